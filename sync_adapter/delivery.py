"""
Draining the outbox: claim a batch, build records, send, apply each record's result.

Only the records that failed are retried, each on its own backoff; a batch is never
re-sent as a whole.  What happens to a record (ADR 0030):

* delivered (new, duplicate or conflict) -> ``delivered`` with the receipt id;
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
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from sync_adapter import claims
from sync_adapter.adapters import get_adapter
from sync_adapter.adapters.base import OutgoingRecord, PayloadError, RecordResult, ResultKind
from sync_adapter.conf import sync_config
from sync_adapter.models import OutboxRecord, OutboxStatus

log = logging.getLogger(__name__)

#: Transient codes that mean "the registry as a whole is unwell": stop this drain.
REGISTRY_DOWN_PREFIXES = ("http_5", "connect_timeout", "read_timeout", "connection_error", "request_error")


@dataclasses.dataclass
class DrainReport:
    """Counts of one drain run, for logs, the command and the benchmark."""

    batches: int = 0
    claimed: int = 0
    delivered: int = 0
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


def build_records(adapter, rows, config):
    """
    Turn claimed rows into outgoing records; return ``(records, failures)``.

    The identity is fetched at send time, once per learner per batch.  A learner with
    no usable identity, or a record the format cannot express, is a dead letter;
    an unexpected error of the provider is retried.
    """
    provider = import_string(config["IDENTITY_PROVIDER"])
    identities = {}
    records, failures = [], {}
    for row in rows:
        if row.user_id not in identities:
            try:
                identities[row.user_id] = provider(row.user_id)
            except (LookupError, ValueError, ObjectDoesNotExist) as exc:
                identities[row.user_id] = PayloadError("no_registry_identity", type(exc).__name__)
            except Exception as exc:  # pylint: disable=broad-except
                log.exception("Identity provider failed for user %s", row.user_id)
                identities[row.user_id] = exc
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


def _finish(token, row, **changes):
    """Apply changes to a row only while this claim still owns it."""
    changes.setdefault("claimed_by", "")
    changes.setdefault("lease_until", None)
    return OutboxRecord.objects.filter(pk=row.pk, claimed_by=token).update(**changes)


def apply_results(token, rows, results, config, report, now=None):
    """Write every record's result; rows whose lease was lost are left alone."""
    now = now or timezone.now()
    by_key = {result.key: result for result in results}
    max_attempts = int(config["MAX_ATTEMPTS"])
    rate_cap = float(config["RATE_LIMIT_MAX_DELAY"])
    with transaction.atomic():
        for row in rows:
            result = by_key.get(row.idempotency_key)
            kind = result.kind if result else ResultKind.NOT_SENT
            if kind == ResultKind.DELIVERED:
                if result.outcome == "conflict":
                    log.warning("Registry holds a different body under key %s (entry %s)",
                                row.idempotency_key, row.entry_uuid)
                changed = _finish(token, row, claimed_by=token, status=OutboxStatus.DELIVERED, delivered_at=now,
                                  receipt_id=result.receipt_id, outcome=result.outcome or "accepted",
                                  attempts=row.attempts + 1, last_error="", last_error_detail="")
                report.delivered += changed
            elif kind == ResultKind.REJECTED:
                changed = _finish(token, row, status=OutboxStatus.DEAD, dead_at=now,
                                  dead_reason=result.code[:64], last_error=result.code[:64],
                                  last_error_detail=result.detail, attempts=row.attempts + 1)
                report.dead += changed
            elif kind == ResultKind.RETRY:
                attempts = row.attempts + 1
                if attempts >= max_attempts:
                    changed = _finish(token, row, status=OutboxStatus.DEAD, dead_at=now,
                                      dead_reason="retries_exhausted", last_error=result.code[:64],
                                      last_error_detail=result.detail, attempts=attempts)
                    report.dead += changed
                else:
                    delay = backoff_delay(attempts, config)
                    changed = _finish(token, row, attempts=attempts, last_error=result.code[:64],
                                      last_error_detail=result.detail,
                                      next_attempt_at=now + timedelta(seconds=delay))
                    report.retried += changed
            elif kind == ResultKind.RATE_LIMITED:
                wait = min(rate_cap, result.retry_after if result.retry_after is not None
                           else float(config["RATE_LIMIT_DEFAULT_DELAY"]))
                changed = _finish(token, row, last_error="http_429",
                                  next_attempt_at=now + timedelta(seconds=wait))
                report.rate_limited += changed
            else:
                changed = _finish(token, row)
                report.released += changed
            if not changed:
                # The lease ran out and another run owns the row now; it will send it
                # again under the same key, which the registry treats as a duplicate.
                report.lost_lease += 1
                log.warning("Claim %s lost the lease on outbox row %s", token, row.pk)


def deliver_claimed(adapter, token, rows, config, report):
    """Send one claimed batch and record the results; return a reason to stop, or ''."""
    records, failures = build_records(adapter, rows, config)
    results = adapter.send(records) if records else []
    for key, (kind, code, detail) in failures.items():
        results.append(RecordResult(key, kind, code=code, detail=detail))
    apply_results(token, rows, results, config, report)
    if any(result.kind == ResultKind.RATE_LIMITED for result in results):
        return "rate_limited"
    sent = [result for result in results if result.key not in failures]
    if sent and all(result.kind == ResultKind.RETRY and result.code.startswith(REGISTRY_DOWN_PREFIXES)
                    for result in sent):
        return "registry_unavailable"
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
            claims.release(token)
            raise
        if stop:
            report.stopped = stop
            break
    log.info("Drain finished (%s): %s batches, %s delivered, %s retried, %s dead, %s rate-limited",
             report.stopped, report.batches, report.delivered, report.retried, report.dead, report.rate_limited)
    return report
