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
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, router
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


#: A change that adds one to the column (``attempts``) instead of setting a value.
INCREMENT = object()


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
                   "attempts": INCREMENT, "last_error": "conflict", "last_error_detail": result.code[:500]}
        return ("review",), changes, result.receipt_id
    if kind == ResultKind.DELIVERED:
        # claimed_by is kept on delivered rows: it names the worker that sent them.
        outcome = result.outcome or DeliveryOutcome.ACCEPTED
        changes = {"status": OutboxStatus.DELIVERED, "delivered_at": now, "lease_until": None, "outcome": outcome,
                   "attempts": INCREMENT, "last_error": "", "last_error_detail": ""}
        return ("delivered", outcome), changes, result.receipt_id
    if kind == ResultKind.REJECTED:
        changes = {**released, "status": OutboxStatus.DEAD, "dead_at": now, "dead_reason": result.code[:64],
                   "last_error": result.code[:64], "last_error_detail": result.detail,
                   "attempts": INCREMENT}
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
    # No transaction and no locking read: each group's UPDATE is one atomic statement
    # that only matches rows still claimed by this token.  If the process dies between
    # two of them, the rows not yet written are claimed again when the lease ends and
    # sent again under the same keys (the registry answers "duplicate").
    for group, ids in groups.items():
        changed = _update_rows(token, ids, changes_of[group], [(pk, receipts[pk][:128]) for pk in ids if pk in receipts])
        setattr(report, group[0], getattr(report, group[0]) + changed)
        if changed < len(ids):
            report.lost_lease += len(ids) - changed
            log.warning("Claim %s lost the lease on %s of %s outbox row(s): another run owns them now",
                        token, len(ids) - changed, len(ids))


def _update_rows(token, ids, changes, receipts=(), chunk=250):
    """
    Apply one group's ``changes`` (and each row's receipt id) to the rows ``ids`` this
    claim owns: ``UPDATE ... SET ..., receipt_id = CASE id WHEN ... END``, one statement
    per 250 rows (a default batch: one) in plain, portable SQL (MariaDB/MySQL,
    PostgreSQL, SQLite).  Receipts differ per row; the ORM's ``Case(When(...))`` for
    them costs 30 ms of Python per 200 rows, ``bulk_update`` more.  Returns the rows changed.
    """
    alias = router.db_for_write(OutboxRecord)
    connection = connections[alias]
    quote = connection.ops.quote_name
    table = quote(OutboxRecord._meta.db_table)
    assignments, values = [], []
    for name, value in changes.items():
        field = OutboxRecord._meta.get_field(name)
        column = quote(field.column)
        if value is INCREMENT:
            assignments.append(f"{column} = {column} + 1")
        else:
            assignments.append(f"{column} = %s")
            values.append(field.get_db_prep_save(value, connection=connection))
    receipt_of = dict(receipts)
    changed = 0
    with connection.cursor() as cursor:
        for start in range(0, len(ids), chunk):
            part = ids[start:start + chunk]
            sets, params = list(assignments), list(values)
            with_receipt = [pk for pk in part if pk in receipt_of]
            if with_receipt:
                column = quote("receipt_id")
                whens = " ".join(["WHEN %s THEN %s"] * len(with_receipt))
                sets.append(f"{column} = CASE {quote('id')} {whens} ELSE {column} END")
                params += [value for pk in with_receipt for value in (pk, receipt_of[pk])]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE {quote('id')} IN ({marks}) "
                           f"AND {quote('claimed_by')} = %s", params + list(part) + [token])
            changed += cursor.rowcount
    return changed


@dataclasses.dataclass
class ClaimedBatch:
    """One claim made ready to send: its rows, the records and transfers built from them, and the failures."""

    token: str
    rows: list
    records: list
    transfers: list
    failures: dict


def prepare(adapter, token, rows, config):
    """Build the records and transfers of claimed rows (identities read here, in the caller's thread)."""
    transfer_rows = [row for row in rows if row.kind == OutboxKind.TRANSFER]
    records, failures = build_records(adapter, [row for row in rows if row.kind != OutboxKind.TRANSFER], config)
    transfers, transfer_failures = build_transfers(adapter, transfer_rows, config)
    failures.update(transfer_failures)
    return ClaimedBatch(token, rows, records, transfers, failures)


def send(adapter, batch):
    """
    Send a prepared batch; one result per row.  Network only, no database: the drain
    runs it in its sender thread while the next batch is claimed and built.
    """
    results = adapter.send(batch.records) if batch.records else []
    if batch.transfers:
        results.extend(adapter.send_transfers(batch.transfers))
    for key, (kind, code, detail) in batch.failures.items():
        results.append(RecordResult(key, kind, code=code, detail=detail))
    return results


def stop_reason(batch, results):
    """Why the drain must not send another batch after these results ('' to go on)."""
    if any(result.kind == ResultKind.RATE_LIMITED for result in results):
        return "rate_limited"
    sent = [result for result in results if result.key not in batch.failures]
    if sent and all(result.kind == ResultKind.RETRY and result.code.startswith(REGISTRY_DOWN_PREFIXES)
                    for result in sent):
        return "registry_unavailable"
    if results and all(result.kind == ResultKind.RETRY for result in results):
        # Nothing in the batch got through (identity provider down, registry asking
        # for every record again): more batches now would fail the same way.
        return "batch_failed"
    return ""


def deliver_claimed(adapter, token, rows, config, report):
    """Send one claimed batch and record the results; return a reason to stop, or ''."""
    batch = prepare(adapter, token, rows, config)
    results = send(adapter, batch)
    apply_results(token, rows, results, config, report)
    return stop_reason(batch, results)


def _close_thread_connections():
    """Run last in the sender thread: an adapter that read the database there leaves no connection open."""
    connections.close_all()


def drain(*, time_limit=None, max_batches=None, batch_size=None, adapter=None, config=None):
    """
    Deliver due outbox rows in batches until none is left, time is up, or the
    registry pushes back.  Safe to run in any number of processes at once.

    Pipelined: while one batch is on the wire (in a sender thread: network only), the
    next is claimed and built and the previous one's results are written, so the
    registry's time and the database's overlap.  A batch is sent only after the
    previous one's answer is known: after a 429 or a registry outage nothing more is
    sent, and a batch claimed meanwhile is given back untouched.
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
    lease = float(config["LEASE_SECONDS"])

    claimed_batches = 0

    def start_sending(batch):
        report.batches += 1
        return sender.submit(send, adapter, batch)

    def claim_next():
        nonlocal claimed_batches
        if max_batches is not None and claimed_batches >= max_batches:
            report.stopped = "max_batches"
            return None
        if time.monotonic() - started > limit:
            report.stopped = "time_limit"
            return None
        token, rows = claims.claim_batch(size, lease_seconds=lease)
        if not rows:
            report.stopped = "empty"
            return None
        claimed_batches += 1
        report.claimed += len(rows)
        try:
            return prepare(adapter, token, rows, config)
        except BaseException:
            claims.release(token, ids=[row.pk for row in rows])
            raise

    unfinished = []  # batches claimed and not yet applied: given back if anything goes wrong
    in_flight = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadre-sync-send") as sender:
        try:
            batch = claim_next()
            if batch is not None:
                unfinished.append(batch)
                in_flight = start_sending(batch)
            while batch is not None:
                following = claim_next()
                if following is not None:
                    unfinished.append(following)
                results = in_flight.result()
                stop = stop_reason(batch, results)
                if following is not None and not stop:
                    in_flight = start_sending(following)
                apply_results(batch.token, batch.rows, results, config, report)
                unfinished.remove(batch)
                if stop:
                    report.stopped = stop
                    break
                if following is None and report.stopped == "empty":
                    # Rows held back behind this batch (a reversal waits for the entry it
                    # cancels) are claimable now that its results are written.
                    following = claim_next()
                    if following is not None:
                        unfinished.append(following)
                        in_flight = start_sending(following)
                batch = following
        except BaseException:
            # Whatever went wrong, do not sit on the rows until the lease ends (a batch
            # the registry may already hold is sent again under the same key: "duplicate").
            if in_flight is not None:
                futures_wait([in_flight])
            for claimed in unfinished:
                claims.release(claimed.token, ids=[row.pk for row in claimed.rows])
            raise
        finally:
            sender.submit(_close_thread_connections)
        for claimed in unfinished:  # claimed after a stop: never sent
            report.released += claims.release(claimed.token, ids=[row.pk for row in claimed.rows])
    # An empty drain every few seconds is routine: only a drain that did something is news.
    level = logging.DEBUG if report.batches == 0 else logging.INFO
    log.log(level, "Drain finished (%s): %s batches, %s delivered, %s to review, %s retried, %s dead, %s rate-limited",
            report.stopped, report.batches, report.delivered, report.review, report.retried, report.dead,
            report.rate_limited)
    return report
