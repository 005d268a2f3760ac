"""
Draining the outbox: claim a batch, build records, send, apply each record's result.

Only the records that failed are retried, each on its own backoff; a batch is never
re-sent as a whole.  What happens to a record (ADR 0030):

* delivered (new or duplicate) -> ``delivered`` with the receipt id;
* conflict (the registry holds a different body under the key) -> ``review``: never
  counted as delivered until a person decides (``cadre_sync_conflicts``, issue 13);
* rejected (4xx, per-record refusal, unbuildable payload, no identity) -> dead letter;
* transient failure -> ``attempts + 1`` and ``next_attempt_at`` pushed back by an
  exponential delay with jitter; at ``MAX_ATTEMPTS`` -> dead letter
  ``retries_exhausted`` (kept, listed, replayable: never dropped);
* 429 -> wait ``Retry-After`` (capped), no attempt consumed, and this drain stops.
"""
import dataclasses
import logging
import random
import time
from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from sync_adapter import claims
from sync_adapter.adapters import get_adapter
from sync_adapter.adapters.base import OutgoingRecord, PayloadError, RecordResult, ResultKind
from sync_adapter.conf import sync_config
from sync_adapter.models import DeliveryOutcome, OutboxKind, OutboxRecord, OutboxStatus

log = logging.getLogger(__name__)

#: Transient codes that mean "the registry as a whole is unwell": stop this drain.
REGISTRY_DOWN_PREFIXES = ("http_5", "connect_timeout", "read_timeout", "connection_error", "request_error")


@dataclasses.dataclass
class DrainReport:
    """Counts of one drain run, for logs, the command and the benchmark."""

    batches: int = 0
    claimed: int = 0
    delivered: int = 0
    review: int = 0
    dead: int = 0
    retried: int = 0
    rate_limited: int = 0
    released: int = 0
    lost_lease: int = 0
    stopped: str = ""

    def add(self, other):
        for field in dataclasses.fields(self):
            if field.name != "stopped":
                setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


def backoff_delay(attempt, config, rng=random):
    """Seconds before try ``attempt + 1``: exponential, capped, minus up to JITTER of it."""
    base = float(config["RETRY_BASE_DELAY"])
    delay = min(float(config["RETRY_MAX_DELAY"]), base * (2 ** max(0, attempt - 1)))
    jitter = min(1.0, max(0.0, float(config["RETRY_JITTER"])))
    return delay * (1.0 - jitter * rng.random())


def identities_for(user_ids, config):
    """
    ``{user_id: RegistryIdentity | PayloadError | Exception}`` for the learners of a batch.

    With ``IDENTITY_BATCH_PROVIDER`` (the default) the whole batch is one call (the
    plugin answers it in a constant number of queries); a learner it leaves out has no
    usable identity (a dead letter), and an unexpected error retries every record of the
    batch.  Without it, ``IDENTITY_PROVIDER`` is called once per learner.
    """
    user_ids = list(dict.fromkeys(user_ids))
    if config.get("IDENTITY_BATCH_PROVIDER"):
        provider = import_string(config["IDENTITY_BATCH_PROVIDER"])
        try:
            found = provider(user_ids)
        except Exception as exc:  # pylint: disable=broad-except
            # Only the type: a provider's message could quote an ID number.
            log.error("Identity provider failed for a batch of %s learner(s): %s", len(user_ids), type(exc).__name__)
            return dict.fromkeys(user_ids, exc)
        return {user_id: found.get(user_id) or PayloadError("no_registry_identity", "LookupError")
                for user_id in user_ids}
    provider = import_string(config["IDENTITY_PROVIDER"])
    identities = {}
    for user_id in user_ids:
        try:
            identities[user_id] = provider(user_id)
        except (LookupError, ValueError, ObjectDoesNotExist) as exc:
            identities[user_id] = PayloadError("no_registry_identity", type(exc).__name__)
        except Exception as exc:  # pylint: disable=broad-except
            # Only the type: a provider's message could quote the ID number.
            log.error("Identity provider failed for user %s: %s", user_id, type(exc).__name__)
            identities[user_id] = exc
    return identities


def build_records(adapter, rows, config):
    """
    Turn claimed rows into outgoing records; return ``(records, failures)``.

    The identities are fetched at send time, once per batch (``identities_for``).  A
    learner with no usable identity, or a record the format cannot express, is a dead
    letter; an unexpected error of the provider is retried.
    """
    identities = identities_for([row.user_id for row in rows], config)
    records, failures = [], {}
    for row in rows:
        identity = identities[row.user_id]
        if isinstance(identity, PayloadError):
            failures[row.idempotency_key] = (ResultKind.REJECTED, identity.code, identity.detail)
            continue
        if isinstance(identity, Exception):
            failures[row.idempotency_key] = (ResultKind.RETRY, "identity_error", type(identity).__name__)
            continue
        try:
            body = adapter.build_record(row.idempotency_key, row.version, row.payload, identity)
        except PayloadError as exc:
            failures[row.idempotency_key] = (ResultKind.REJECTED, exc.code, exc.detail)
            continue
        records.append(OutgoingRecord(row.idempotency_key, body))
    return records, failures


def build_transfers(adapter, rows, config):
    """
    Turn claimed transfer rows into outgoing transfers; return ``(transfers, failures)``.

    The correction (with both ID numbers) and the person's current identity are read
    at send time, like a record's identity, so the outbox never holds an ID number.
    """
    corrections = import_string(config["TRANSFER_PROVIDER"])
    provider = import_string(config["IDENTITY_PROVIDER"])
    transfers, failures = [], {}
    for row in rows:
        try:
            correction = corrections(row.payload.get("correction"))
            if correction is None:
                raise LookupError("no such correction")
            identity = provider(correction.into_user_id or correction.user_id)
        except (LookupError, ValueError, ObjectDoesNotExist) as exc:
            failures[row.idempotency_key] = (ResultKind.REJECTED, "no_registry_identity", type(exc).__name__)
            continue
        except Exception as exc:  # pylint: disable=broad-except
            log.error("Transfer provider failed for user %s: %s", row.user_id, type(exc).__name__)
            failures[row.idempotency_key] = (ResultKind.RETRY, "identity_error", type(exc).__name__)
            continue
        try:
            body = adapter.build_transfer(row.idempotency_key, correction, identity)
        except PayloadError as exc:
            failures[row.idempotency_key] = (ResultKind.REJECTED, exc.code, exc.detail)
            continue
        transfers.append(OutgoingRecord(row.idempotency_key, body))
    return transfers, failures


def _plan(row, result, config, now):
    """
    ``(group, changes, receipt)`` for one row: rows with the same group get the same
    changes in one UPDATE, so finishing a batch of 500 costs a handful of statements.
    """
    kind = result.kind if result else ResultKind.NOT_SENT
    released = {"claimed_by": "", "lease_until": None}
    if kind == ResultKind.DELIVERED and result.outcome == DeliveryOutcome.CONFLICT:
        # The registry kept a different body under this key: not delivered until a
        # person decides (the registry's copy stands, or it is sent again once fixed).
        changes = {**released, "status": OutboxStatus.REVIEW, "outcome": DeliveryOutcome.CONFLICT,
                   "attempts": F("attempts") + 1, "last_error": "conflict", "last_error_detail": result.code[:500]}
        return ("review",), changes, result.receipt_id
    if kind == ResultKind.DELIVERED:
        # claimed_by is kept on delivered rows: it names the worker that sent them.
        outcome = result.outcome or DeliveryOutcome.ACCEPTED
        changes = {"status": OutboxStatus.DELIVERED, "delivered_at": now, "lease_until": None, "outcome": outcome,
                   "attempts": F("attempts") + 1, "last_error": "", "last_error_detail": ""}
        return ("delivered", outcome), changes, result.receipt_id
    if kind == ResultKind.REJECTED:
        changes = {**released, "status": OutboxStatus.DEAD, "dead_at": now, "dead_reason": result.code[:64],
                   "last_error": result.code[:64], "last_error_detail": result.detail,
                   "attempts": F("attempts") + 1}
        return ("dead", result.code, result.detail), changes, None
    if kind == ResultKind.RETRY:
        attempts = row.attempts + 1
        if attempts >= int(config["MAX_ATTEMPTS"]):
            changes = {**released, "status": OutboxStatus.DEAD, "dead_at": now, "dead_reason": "retries_exhausted",
                       "last_error": result.code[:64], "last_error_detail": result.detail, "attempts": attempts}
            return ("dead", "retries_exhausted", result.code, result.detail, attempts), changes, None
        changes = {**released, "attempts": attempts, "last_error": result.code[:64],
                   "last_error_detail": result.detail}
        return ("retried", attempts, result.code, result.detail), changes, None
    if kind == ResultKind.RATE_LIMITED:
        wait = result.retry_after if result.retry_after is not None else float(config["RATE_LIMIT_DEFAULT_DELAY"])
        wait = min(float(config["RATE_LIMIT_MAX_DELAY"]), wait)
        changes = {**released, "last_error": "http_429", "next_attempt_at": now + timedelta(seconds=wait)}
        return ("rate_limited", wait), changes, None
    return ("released",), released, None


def apply_results(token, rows, results, config, report, now=None):
    """
    Write every record's result, only for rows this claim still owns.

    A row whose lease ran out was claimed by another run, which will send it again
    under the same key (the registry answers "duplicate"): it is left to that run.
    """
    now = now or timezone.now()
    by_key = {result.key: result for result in results}
    groups, changes_of, receipts = {}, {}, {}
    for row in rows:
        result = by_key.get(row.idempotency_key)
        group, changes, receipt = _plan(row, result, config, now)
        if group[0] == "retried":
            # One jittered delay per group: rows sent together come back together.
            changes = {**changes, "next_attempt_at": now + timedelta(seconds=backoff_delay(group[1], config))}
        if result is not None and result.outcome == DeliveryOutcome.CONFLICT:
            log.warning("Registry holds a different body under key %s (entry %s)",
                        row.idempotency_key, row.entry_uuid)
        groups.setdefault(group, []).append(row.pk)
        changes_of.setdefault(group, changes)
        if receipt:
            receipts[row.pk] = receipt
    with transaction.atomic():
        owned = set(OutboxRecord.objects.select_for_update().filter(
            id__in=[row.pk for row in rows], claimed_by=token).values_list("id", flat=True))
        for pk in sorted({row.pk for row in rows} - owned):
            report.lost_lease += 1
            log.warning("Claim %s lost the lease on outbox row %s", token, pk)
        for group, ids in groups.items():
            ids = [pk for pk in ids if pk in owned]
            if ids:
                changed = OutboxRecord.objects.filter(id__in=ids, claimed_by=token).update(**changes_of[group])
                setattr(report, group[0], getattr(report, group[0]) + changed)
        _store_receipts(token, [(pk, receipt[:128]) for pk, receipt in receipts.items() if pk in owned])


def _store_receipts(token, pairs, chunk=100):
    """
    Write each row's receipt id: ``UPDATE ... SET receipt_id = CASE id WHEN ...``.

    Receipts differ per row, so they cannot share one UPDATE's value; this is one
    statement per 100 rows in plain, portable SQL (MariaDB/MySQL, PostgreSQL, SQLite).
    ``bulk_update`` would do the same with ten times the Python work per row.
    """
    alias = router.db_for_write(OutboxRecord)
    quote = connections[alias].ops.quote_name
    table = quote(OutboxRecord._meta.db_table)
    with connections[alias].cursor() as cursor:
        for start in range(0, len(pairs), chunk):
            part = pairs[start:start + chunk]
            whens = " ".join(["WHEN %s THEN %s"] * len(part))
            marks = ", ".join(["%s"] * len(part))
            params = [value for pair in part for value in pair] + [pk for pk, _ in part] + [token]
            cursor.execute(
                f"UPDATE {table} SET {quote('receipt_id')} = CASE {quote('id')} {whens} ELSE {quote('receipt_id')} END"
                f" WHERE {quote('id')} IN ({marks}) AND {quote('claimed_by')} = %s", params)


def deliver_claimed(adapter, token, rows, config, report):
    """Send one claimed batch and record the results; return a reason to stop, or ''."""
    transfer_rows = [row for row in rows if row.kind == OutboxKind.TRANSFER]
    records, failures = build_records(adapter, [row for row in rows if row.kind != OutboxKind.TRANSFER], config)
    transfers, transfer_failures = build_transfers(adapter, transfer_rows, config)
    failures.update(transfer_failures)
    results = adapter.send(records) if records else []
    if transfers:
        results.extend(adapter.send_transfers(transfers))
    for key, (kind, code, detail) in failures.items():
        results.append(RecordResult(key, kind, code=code, detail=detail))
    apply_results(token, rows, results, config, report)
    if any(result.kind == ResultKind.RATE_LIMITED for result in results):
        return "rate_limited"
    sent = [result for result in results if result.key not in failures]
    if sent and all(result.kind == ResultKind.RETRY and result.code.startswith(REGISTRY_DOWN_PREFIXES)
                    for result in sent):
        return "registry_unavailable"
    if results and all(result.kind == ResultKind.RETRY for result in results):
        # Nothing in the batch got through (identity provider down, registry asking
        # for every record again): more batches now would fail the same way.
        return "batch_failed"
    return ""


def drain(*, time_limit=None, max_batches=None, batch_size=None, adapter=None, config=None):
    """
    Deliver due outbox rows in batches until none is left, time is up, or the
    registry pushes back.  Safe to run in any number of processes at once.
    """
    config = config or sync_config()
    report = DrainReport()
    if not config["REGISTRY_URL"]:
        report.stopped = "not_configured"
        return report
    adapter = adapter or get_adapter(config)
    size = int(batch_size or adapter.batch_size())
    limit = float(config["DRAIN_TIME_LIMIT"] if time_limit is None else time_limit)
    started = time.monotonic()
    while True:
        if max_batches is not None and report.batches >= max_batches:
            report.stopped = "max_batches"
            break
        if time.monotonic() - started > limit:
            report.stopped = "time_limit"
            break
        token, rows = claims.claim_batch(size, lease_seconds=float(config["LEASE_SECONDS"]))
        if not rows:
            report.stopped = "empty"
            break
        report.batches += 1
        report.claimed += len(rows)
        try:
            stop = deliver_claimed(adapter, token, rows, config, report)
        except BaseException:
            # Whatever went wrong, do not sit on the rows until the lease ends.
            claims.release(token, ids=[row.pk for row in rows])
            raise
        if stop:
            report.stopped = stop
            break
    # An empty drain every few seconds is routine: only a drain that did something is news.
    level = logging.DEBUG if report.batches == 0 else logging.INFO
    log.log(level, "Drain finished (%s): %s batches, %s delivered, %s to review, %s retried, %s dead, %s rate-limited",
            report.stopped, report.batches, report.delivered, report.review, report.retried, report.dead,
            report.rate_limited)
    return report
