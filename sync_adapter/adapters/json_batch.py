"""
The default adapter: signed JSON batches (the contract in docs/registry-openapi.yaml).

``POST /v1/records/batch`` with ``{"records": [...]}`` answers one result per record.
How answers map to outcomes (ADR 0030):

* 2xx: each record's own status -- ``accepted``/``duplicate``/``conflict`` are
  delivered (the receipt id is kept), ``rejected`` is a dead letter, ``retry`` backs
  off; a record missing from the answer is retried.
* 409: the registry already holds the record(s): delivered, never retried.
* 400/413/422 on a batch of several records: the batch is split in halves and each
  half sent again, so one malformed record cannot take its neighbours down with it;
  on a single record the same statuses are a dead letter.
* other 4xx (401 bad signature, 403, 404 ...): dead letter with the reason.
* 429: wait ``Retry-After``.
* 5xx, timeouts, connection errors: back off and retry.
"""
import email.utils
import json
import logging
import time
from decimal import Decimal, InvalidOperation

from sync_adapter.adapters.base import OutgoingRecord  # noqa: F401 - re-exported for adapter authors
from sync_adapter.adapters.base import (
    PayloadError,
    RecordResult,
    RegistryAdapter,
    RegistryTotals,
    ResultKind,
)
from sync_adapter.client import RegistryClient, TransportError
from sync_adapter.filing import filed_year

log = logging.getLogger(__name__)

BATCH_PATH = "/v1/records/batch"
RECORD_PATH = "/v1/records/{key}"
TOTALS_PATH = "/v1/totals"
TRANSFER_PATH = "/v1/persons/transfer"
TRANSFER_REASONS = {"correct": "id_number_correction", "merge": "account_merge"}

#: Batch-level statuses that may come from one bad record: split before giving up.
SPLITTABLE = frozenset({400, 413, 422})
#: Per-record statuses the registry may answer inside a 2xx.
DELIVERED_STATUSES = frozenset({"accepted", "duplicate", "conflict"})


def canonical_json(data) -> bytes:
    """Deterministic bytes for a body (sorted keys, no spaces), UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def parse_retry_after(value, default):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


def _error_code(response, fallback):
    """The registry's error code from a JSON error body (codes only, never values)."""
    try:
        data = response.json()
    except ValueError:
        return fallback
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict) and error.get("code"):
        return f"{fallback}:{str(error['code'])[:40]}"
    return fallback


class JsonBatchAdapter(RegistryAdapter):
    """JSON batches, HMAC-signed, per-record results."""

    max_batch_size = 1000

    def __init__(self, config):
        super().__init__(config)
        keys = config.get("SIGNING_KEYS") or {}
        key_id = config.get("ACTIVE_KEY_ID") or ""
        self.client = RegistryClient(
            config["REGISTRY_URL"],
            key_id=key_id,
            secret=keys.get(key_id, ""),
            connect_timeout=config["CONNECT_TIMEOUT"],
            read_timeout=config["READ_TIMEOUT"],
            pool_maxsize=int(config["POOL_MAXSIZE"]),
        )
        self.default_retry_after = float(config["RATE_LIMIT_DEFAULT_DELAY"])

    # -- building -----------------------------------------------------------------

    def build_record(self, key, version, snapshot, identity):
        """The registry's view of one ledger entry: what it files, nothing more."""
        if identity is None or not getattr(identity, "id_number", ""):
            raise PayloadError("no_registry_identity", "the learner has no ID number on file")
        for field in ("hours", "credits"):
            if snapshot.get(field) is not None:
                try:
                    Decimal(str(snapshot[field]))
                except InvalidOperation as exc:
                    raise PayloadError("bad_amount", field) from exc
        year = filed_year(snapshot.get("academic_year"), snapshot.get("earned_on"))
        if year is None:
            raise PayloadError("no_academic_year", "the entry has neither an academic year nor a date")
        counted = snapshot.get("hours") is not None or snapshot.get("credits") is not None
        return {
            "idempotency_key": key,
            "record_id": snapshot["uuid"],
            "version": version,
            "reverses": snapshot.get("reverses"),
            # .. pii: the ID number and name are the registry's key for a cadre; they
            # travel only inside this signed HTTPS body and are never logged.
            "person": {
                "id_number": identity.id_number,
                "name": identity.real_name,
                "unit_code": identity.unit_code,
            },
            "region": identity.region_key,
            # Never null (ADR 0031): an entry that counts for no year is filed under the
            # calendar year it was earned in, with counted false and the engine's reason.
            "academic_year": year,
            "counted": counted,
            "uncounted_reason": None if counted else (snapshot.get("excluded_reason") or "not_counted"),
            "earned_on": snapshot.get("earned_on"),
            "source": snapshot.get("source"),
            "category": snapshot.get("category"),
            "hours": snapshot.get("hours"),
            "credits": snapshot.get("credits"),
            "policy": snapshot.get("policy_key"),
            "course": snapshot.get("course_key"),
            "evidence_type": snapshot.get("evidence_type"),
        }

    # -- sending ------------------------------------------------------------------

    def send(self, records):
        if not records:
            return []
        body = canonical_json({"records": [record.body for record in records]})
        try:
            response = self.client.request("POST", BATCH_PATH, body)
        except TransportError as exc:
            return self._all(records, ResultKind.RETRY, exc.code, exc.detail)
        status = response.status_code
        if 200 <= status < 300:
            return self._per_record(records, response)
        if status == 409:
            return self._all(records, ResultKind.DELIVERED, outcome="duplicate")
        if status == 429:
            wait = parse_retry_after(response.headers.get("Retry-After"), self.default_retry_after)
            return self._all(records, ResultKind.RATE_LIMITED, "http_429", retry_after=wait)
        if status in SPLITTABLE and len(records) > 1:
            middle = len(records) // 2
            log.info("Registry refused a batch of %s with %s; splitting it", len(records), status)
            return self.send(records[:middle]) + self.send(records[middle:])
        if 400 <= status < 500:
            return self._all(records, ResultKind.REJECTED, _error_code(response, f"http_{status}"))
        return self._all(records, ResultKind.RETRY, f"http_{status}")

    @staticmethod
    def _all(records, kind, code="", detail="", outcome="", retry_after=None):
        return [
            RecordResult(record.key, kind, outcome=outcome, code=code, detail=detail, retry_after=retry_after)
            for record in records
        ]

    def _per_record(self, records, response):
        try:
            answers = {item["idempotency_key"]: item for item in response.json()["results"]}
        except (ValueError, KeyError, TypeError):
            return self._all(records, ResultKind.RETRY, "bad_response")
        results = []
        for record in records:
            item = answers.get(record.key)
            if item is None:
                results.append(RecordResult(record.key, ResultKind.RETRY, code="missing_result"))
                continue
            status = item.get("status")
            error = item.get("error") or {}
            if status in DELIVERED_STATUSES:
                results.append(RecordResult(
                    record.key, ResultKind.DELIVERED, outcome=status,
                    receipt_id=str(item.get("receipt_id") or "")[:128],
                ))
            elif status == "rejected":
                results.append(RecordResult(
                    record.key, ResultKind.REJECTED, code=f"rejected:{str(error.get('code', ''))[:40]}",
                    detail=str(error.get("message", ""))[:500],
                ))
            else:
                results.append(RecordResult(
                    record.key, ResultKind.RETRY, code=f"record_{str(status)[:20]}",
                    detail=str(error.get("message", ""))[:500],
                ))
        return results

    # -- identity transfers -----------------------------------------------------------

    def build_transfer(self, key, correction, identity):
        """Re-file every record of ``correction.old_id_number`` under the new number (issue 13)."""
        if not correction.old_id_number or not correction.new_id_number:
            raise PayloadError("no_registry_identity", "the correction names no ID number")
        return {
            "transfer_id": key,
            "correction_id": correction.uuid,
            "reason": TRANSFER_REASONS.get(correction.kind, correction.kind),
            # .. pii: both ID numbers travel only inside this signed HTTPS body.
            "from": {"id_number": correction.old_id_number},
            "to": {"id_number": correction.new_id_number, "name": identity.real_name,
                   "unit_code": identity.unit_code},
        }

    def send_transfers(self, transfers):
        """One signed ``POST /v1/persons/transfer`` each, answered like a single record."""
        results = []
        for index, transfer in enumerate(transfers):
            result = self._send_transfer(transfer)
            results.append(result)
            if result.kind in (ResultKind.RATE_LIMITED, ResultKind.RETRY):
                results.extend(self._all(transfers[index + 1:], ResultKind.NOT_SENT))
                break
        return results

    def _send_transfer(self, transfer):
        try:
            response = self.client.request("POST", TRANSFER_PATH, canonical_json(transfer.body))
        except TransportError as exc:
            return RecordResult(transfer.key, ResultKind.RETRY, code=exc.code, detail=exc.detail)
        status = response.status_code
        if status in (200, 201):
            try:
                item = response.json()
            except ValueError:
                return RecordResult(transfer.key, ResultKind.RETRY, code="bad_response")
            outcome = item.get("status") if item.get("status") in ("accepted", "duplicate") else "accepted"
            return RecordResult(transfer.key, ResultKind.DELIVERED, outcome=outcome,
                                receipt_id=str(item.get("receipt_id") or "")[:128])
        if status == 409:
            return RecordResult(transfer.key, ResultKind.DELIVERED, outcome="conflict",
                                code=_error_code(response, "http_409"))
        if status == 429:
            wait = parse_retry_after(response.headers.get("Retry-After"), self.default_retry_after)
            return RecordResult(transfer.key, ResultKind.RATE_LIMITED, code="http_429", retry_after=wait)
        if 400 <= status < 500:
            return RecordResult(transfer.key, ResultKind.REJECTED, code=_error_code(response, f"http_{status}"))
        return RecordResult(transfer.key, ResultKind.RETRY, code=f"http_{status}")

    # -- reconciliation -------------------------------------------------------------

    def fetch_totals(self, queries):
        body = canonical_json({"queries": [
            {"ref": str(index), "person_id": identity.id_number, "year": year}
            for index, (identity, year) in enumerate(queries)
        ]})
        response = self.client.request("POST", TOTALS_PATH, body)
        response.raise_for_status()
        by_ref = {item["ref"]: item for item in response.json()["totals"]}
        totals = []
        for index in range(len(queries)):
            item = by_ref.get(str(index))
            if item is None:
                totals.append(None)
                continue
            totals.append(RegistryTotals(
                hours=Decimal(str(item.get("hours") or "0")),
                credits=Decimal(str(item.get("credits") or "0")),
                record_count=int(item.get("record_count") or 0),
                record_ids=tuple(item.get("record_ids") or ()),
            ))
        return totals


class SingleRecordAdapter(JsonBatchAdapter):
    """
    One ``PUT /v1/records/{key}`` per record: for registries without a batch endpoint
    (and the benchmark's baseline: how the peers deliver).
    """

    max_batch_size = 1

    def send(self, records):
        results = []
        for index, record in enumerate(records):
            result = self._send_one(record)
            results.extend(result)
            if result[0].kind in (ResultKind.RATE_LIMITED, ResultKind.RETRY):
                # The registry is struggling: do not hammer it with the rest.
                results.extend(self._all(records[index + 1:], ResultKind.NOT_SENT))
                break
        return results

    def _send_one(self, record):
        path = RECORD_PATH.format(key=record.key)
        try:
            response = self.client.request("PUT", path, canonical_json(record.body))
        except TransportError as exc:
            return self._all([record], ResultKind.RETRY, exc.code, exc.detail)
        status = response.status_code
        if 200 <= status < 300:
            try:
                item = response.json()
            except ValueError:
                return self._all([record], ResultKind.RETRY, "bad_response")
            return [RecordResult(record.key, ResultKind.DELIVERED, outcome=item.get("status", "accepted"),
                                 receipt_id=str(item.get("receipt_id") or "")[:128])]
        if status == 409:
            return self._all([record], ResultKind.DELIVERED, outcome="conflict")
        if status == 429:
            wait = parse_retry_after(response.headers.get("Retry-After"), self.default_retry_after)
            return self._all([record], ResultKind.RATE_LIMITED, "http_429", retry_after=wait)
        if 400 <= status < 500:
            return self._all([record], ResultKind.REJECTED, _error_code(response, f"http_{status}"))
        return self._all([record], ResultKind.RETRY, f"http_{status}")
