"""
The reference registry's request handling, independent of any HTTP server.

:meth:`RegistryApp.handle` takes the method, path, headers and body and returns
``(status, headers, body)``, or raises :class:`DropConnection` when the injected
misbehaviour is to hang up.  ``server.py`` (stdlib HTTP/1.1 with keep-alive) and
``wsgi.py`` put it on the wire.
"""
import html
import json
import logging
import re
import time
from urllib.parse import parse_qs

from sync_adapter import signing
from sync_adapter.reference_registry.faults import FaultConfig, FaultInjector
from sync_adapter.reference_registry.store import RecordStore
from sync_adapter.reference_registry.validation import id_number_valid, validate_record, validate_transfer

log = logging.getLogger(__name__)

MAX_BATCH = 1000
TRANSFER_PATH = "/v1/persons/transfer"
RECORD_PATH = re.compile(r"^/v1/records/(?P<key>[0-9a-f]{64})$")


class DropConnection(Exception):
    """Close the connection without answering (injected fault)."""


def _json(status, data, headers=None):
    body = json.dumps(data, ensure_ascii=False).encode()
    return status, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, body


def _error(status, code, message="", headers=None):
    return _json(status, {"error": {"code": code, "message": message}}, headers)


class RegistryApp:
    """One registry: its keys, its store, its faults."""

    def __init__(self, keys, store=None, faults=None, admin_token="", clock=time.time, sleep=time.sleep):
        self.keys = dict(keys)
        self.store = store or RecordStore()
        self.faults = faults or FaultInjector()
        self.admin_token = admin_token
        self.clock = clock
        self.sleep = sleep

    # -- dispatch -----------------------------------------------------------------

    def handle(self, method, path, headers, body, query=""):
        route = (method.upper(), path)
        if route == ("GET", "/"):
            return self.page(parse_qs(query))
        if route == ("GET", "/v1/health"):
            return _json(200, {"status": "ok"})
        if path.startswith("/admin/"):
            return self.admin(method.upper(), path, headers, body)
        if route in (("POST", "/v1/records/batch"), ("POST", "/v1/totals"), ("POST", TRANSFER_PATH)) or (
                method.upper() == "PUT" and RECORD_PATH.match(path)):
            problem = signing.verify(self.keys, method, path, headers, body, now=self.clock())
            if problem:
                self.store.bump("refused_signature")
                log.info("Refused a request to %s: %s", path, problem)
                return _error(401, problem, "the request signature was refused")
            if path == "/v1/totals":
                return self.totals(body)
            if path == TRANSFER_PATH:
                return self.transfer(body)
            return self.records(method.upper(), path, body)
        return _error(404, "not_found")

    # -- records ------------------------------------------------------------------

    def _faulted_body(self, body, *, latency=False):
        """
        Draw the injected fault for one write request, then parse its JSON body.

        Returns ``(fault, data, refusal)``: ``refusal`` is the response to send at once (an
        injected error or 429, or a body that is not JSON); a dropped connection raises.
        """
        fault = self.faults.draw()
        config = self.faults.config
        if latency and config.latency_ms:
            self.sleep(config.latency_ms / 1000.0)
        if fault:
            self.store.bump(f"fault_{fault}")
        if fault == "error":
            return fault, None, _error(config.error_status, "unavailable", "injected failure")
        if fault == "rate_limit":
            return fault, None, _error(429, "rate_limited", "slow down", {"Retry-After": f"{config.retry_after:g}"})
        if fault == "drop":
            raise DropConnection()
        try:
            return fault, json.loads(body or b"null"), None
        except ValueError:
            return fault, None, _error(400, "bad_json", "the body is not JSON")

    def records(self, method, path, body):
        fault, data, refusal = self._faulted_body(body, latency=True)
        if refusal is not None:
            return refusal
        if method == "PUT":
            response = self._put_one(path, data)
        else:
            response = self._batch(data)
        if fault == "timeout":
            self.sleep(self.faults.config.timeout_seconds)
        if fault == "lost_answer":
            raise DropConnection()
        return response

    def _batch(self, data):
        records = data.get("records") if isinstance(data, dict) else None
        if not isinstance(records, list) or not records:
            return _error(400, "bad_request", "records must be a non-empty list")
        if len(records) > MAX_BATCH:
            return _error(413, "batch_too_large", f"at most {MAX_BATCH} records per batch")
        results, valid, positions = [None] * len(records), [], []
        for index, record in enumerate(records):
            problem = validate_record(record)
            if problem:
                key = record.get("idempotency_key") if isinstance(record, dict) else None
                results[index] = {"idempotency_key": key, "status": "rejected",
                                  "error": {"code": problem[0], "message": problem[1]}}
            else:
                valid.append(record)
                positions.append(index)
        rejected = len(records) - len(valid)
        if rejected and self.faults.config.strict_batches:
            self.store.bump("refused_batches")
            first = next(item for item in results if item)
            return _error(422, first["error"]["code"], "the batch holds an invalid record")
        if rejected:
            self.store.bump("rejected", rejected)
        for index, (status, receipt) in zip(positions, self.store.store_many(valid)):
            results[index] = {"idempotency_key": records[index]["idempotency_key"],
                              "status": status, "receipt_id": receipt}
        return _json(200, {"results": results})

    def _put_one(self, path, record):
        key = RECORD_PATH.match(path).group("key")
        problem = validate_record(record)
        if not problem and record.get("idempotency_key") != key:
            problem = ("key_mismatch", "the path and the body name different keys")
        if problem:
            self.store.bump("rejected")
            return _error(422, problem[0], problem[1])
        status, receipt = self.store.store_many([record])[0]
        payload = {"idempotency_key": key, "status": status, "receipt_id": receipt}
        if status == "conflict":
            return _json(409, {**payload, "error": {"code": "conflict",
                                                    "message": "a different record is held under this key"}})
        return _json(201 if status == "accepted" else 200, payload)

    # -- identity transfers ---------------------------------------------------------

    def transfer(self, body):
        """Re-file a person's records under a corrected ID number (idempotent by transfer_id)."""
        fault, data, refusal = self._faulted_body(body)
        if refusal is not None:
            return refusal
        problem = validate_transfer(data)
        if problem:
            self.store.bump("rejected_transfers")
            return _error(422, problem[0], problem[1])
        status, receipt, moved = self.store.transfer(data)
        payload = {"transfer_id": data["transfer_id"], "status": status, "receipt_id": receipt, "moved": moved}
        if status == "conflict":
            return _json(409, {**payload, "error": {"code": "conflict",
                                                    "message": "this transfer_id names other ID numbers"}})
        if fault == "lost_answer":
            raise DropConnection()
        return _json(201 if status == "accepted" else 200, payload)

    # -- totals -------------------------------------------------------------------

    def totals(self, body):
        try:
            queries = json.loads(body or b"null")["queries"]
        except (ValueError, KeyError, TypeError):
            return _error(400, "bad_request", "queries must be a list")
        answers = []
        for query in queries:
            person, year = query.get("person_id"), query.get("year")
            if not id_number_valid(person):
                return _error(422, "invalid_id_number", "person_id is not a valid ID number")
            answers.append({"ref": query.get("ref"), "year": year, **self.store.totals(person, year)})
        return _json(200, {"totals": answers})

    # -- admin --------------------------------------------------------------------

    def admin(self, method, path, headers, body):
        if self.admin_token and headers.get("X-Admin-Token") != self.admin_token:
            return _error(403, "forbidden", "admin token required")
        if path == "/admin/faults":
            if method == "POST":
                try:
                    self.faults.configure(FaultConfig.from_dict(json.loads(body or b"{}")))
                except (ValueError, TypeError) as exc:
                    return _error(400, "bad_faults", str(exc))
            return _json(200, self.faults.config.as_dict())
        if path == "/admin/stats" and method == "GET":
            return _json(200, self.store.counters())
        if path == "/admin/records" and method == "GET":
            return _json(200, {"records": self.store.records()})
        if path == "/admin/reset" and method == "POST":
            self.store.reset()
            self.faults.configure(FaultConfig())
            return _json(200, {"status": "reset"})
        return _error(404, "not_found")

    # -- the page -----------------------------------------------------------------

    def page(self, query):
        limit = min(int((query.get("limit") or ["200"])[0] or 200), 1000)
        counters = self.store.counters()
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in (
                time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(item["received_at"])),
                item["receipt_id"], item["record_id"], item["person_id"], item["year"],
                item["hours"] if item["hours"] is not None else "", item["credits"] or "",
                item["reverses"] or "", item["deliveries"],
            )) + "</tr>"
            for item in self.store.records(limit=limit)
        )
        stats = " · ".join(f"{html.escape(k)}: {v}" for k, v in sorted(counters.items()))
        body = f"""<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">
<title>参考登记系统 Reference registry</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.25em .5em;font-size:.9em}}</style></head><body>
<h1>参考登记系统 · Reference registry</h1><p>{stats}</p>
<p>最近收到的记录（身份证号已遮盖） · Latest records received (ID numbers masked)</p>
<table><thead><tr><th>收到时间 Received</th><th>回执 Receipt</th><th>记录 Record</th><th>身份证号 ID</th>
<th>年度 Year</th><th>学时 Hours</th><th>学分 Credits</th><th>冲销 Reverses</th><th>投递次数 Deliveries</th></tr></thead>
<tbody>{rows}</tbody></table></body></html>"""
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()
