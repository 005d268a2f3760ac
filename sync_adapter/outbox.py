"""
Writing the outbox: the receiver of ``ledger_entry_recorded`` and the re-queue helpers.

The receiver runs inside the ledger's transaction (the plugin sends the signal there),
so the outbox row commits or rolls back with the ledger row: no change is ever lost
between the two, and no row exists for a change that was rolled back.  It must not do
network I/O and must not swallow errors: if the outbox cannot be written, the ledger
write fails too.
"""
import dataclasses
import hashlib
import logging
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sync_adapter.conf import sync_setting
from sync_adapter.filing import filed_year
from sync_adapter.models import OutboxKind, OutboxRecord, OutboxStatus

log = logging.getLogger(__name__)

#: Ledger fields copied into the outbox.  ``reason`` (free text that may name people)
#: and ``entered_by_id`` stay in the ledger: the registry does not need them.
SNAPSHOT_FIELDS = (
    "uuid", "user_id", "source", "category", "hours", "credits", "earned_on",
    "academic_year", "policy_key", "evidence_type", "evidence_ref", "reverses",
    "created", "course_key", "excluded_reason",
)



def idempotency_key(entry_uuid, version=1):
    """
    The registry's key for one version of one ledger entry.

    Deterministic, so every re-send (retry, crash recovery, re-queue) carries the same
    key and the registry keeps a single record.  Ledger rows are immutable, so the
    version is 1 today; a future amendment model would bump it.
    """
    return hashlib.sha256(f"cadre-ledger:{entry_uuid}:{int(version)}".encode()).hexdigest()


def _json_safe(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def snapshot(entry):
    """The JSON-safe copy of a LedgerEntryData kept in the outbox (no personal data)."""
    data = dataclasses.asdict(entry) if dataclasses.is_dataclass(entry) else dict(entry)
    copy = {name: _json_safe(data.get(name)) for name in SNAPSHOT_FIELDS}
    copy["academic_year"] = filed_year(data.get("academic_year"), data.get("earned_on"))
    copy["counted"] = data.get("hours") is not None or data.get("credits") is not None
    copy["excluded_reason"] = copy["excluded_reason"] or ""
    return copy


def enqueue(entry, *, version=None):
    """
    Write the outbox row for ``entry`` (a LedgerEntryData) unless it already exists.

    Returns the row.  Call it inside the ledger's transaction.
    """
    version = int(version or getattr(entry, "version", 1) or 1)
    key = idempotency_key(entry.uuid, version)
    existing = OutboxRecord.objects.filter(idempotency_key=key).first()
    if existing is not None:
        log.info("Outbox already holds ledger entry %s v%s", entry.uuid, version)
        return existing
    row = OutboxRecord.objects.create(
        idempotency_key=key,
        entry_uuid=str(entry.uuid),
        version=version,
        user_id=entry.user_id,
        academic_year=filed_year(entry.academic_year, entry.earned_on),
        reverses_uuid=str(entry.reverses) if entry.reverses else "",
        payload=snapshot(entry),
    )
    if sync_setting("KICK_ON_COMMIT"):
        transaction.on_commit(_kick)
    return row


def _kick():
    """Queue a drain once the ledger transaction has committed (KICK_ON_COMMIT)."""
    from sync_adapter.tasks import drain_outbox  # pylint: disable=import-outside-toplevel

    drain_outbox.delay()


def on_ledger_entry_recorded(sender, entry=None, **kwargs):  # pylint: disable=unused-argument
    """Receiver of ``cadre_policy_plugin.signals.ledger_entry_recorded``."""
    if entry is None:
        log.warning("ledger_entry_recorded sent without an entry by %s", sender)
        return
    enqueue(entry)


def transfer_key(correction_uuid):
    """The registry's key for one identity transfer (deterministic: re-sends are harmless)."""
    return hashlib.sha256(f"cadre-transfer:{correction_uuid}".encode()).hexdigest()


def enqueue_transfer(correction):
    """
    Write the outbox row that re-files ``correction.user_id``'s records at the registry.

    Call it inside the correction's transaction.  No ID number is stored: the row holds
    the correction's uuid and the adapter asks the plugin for the numbers at send time.
    A learner's transfers go in the order they were made: each names the previous one
    in ``reverses_uuid``, which the claim holds back until that one is delivered.
    """
    key = transfer_key(correction.uuid)
    existing = OutboxRecord.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    previous = (OutboxRecord.objects.filter(kind=OutboxKind.TRANSFER, user_id=correction.user_id)
                .order_by("-id").values_list("entry_uuid", flat=True).first())
    row = OutboxRecord.objects.create(
        idempotency_key=key, kind=OutboxKind.TRANSFER, entry_uuid=f"transfer:{correction.uuid}",
        user_id=correction.user_id, academic_year=None, reverses_uuid=previous or "",
        payload={"correction": str(correction.uuid), "kind": correction.kind,
                 "into_user_id": correction.into_user_id},
    )
    if sync_setting("KICK_ON_COMMIT"):
        transaction.on_commit(_kick)
    return row


def on_registry_identity_corrected(sender, correction=None, **kwargs):  # pylint: disable=unused-argument
    """Receiver of ``cadre_policy_plugin.signals.registry_identity_corrected``."""
    if correction is None:
        log.warning("registry_identity_corrected sent without a correction by %s", sender)
        return
    enqueue_transfer(correction)


def requeue(rows, *, reason="requeue"):
    """
    Send rows again (reconciliation found them missing in the registry).

    Same idempotency key, so a registry that does hold the record answers "duplicate".
    Dead letters are left alone: replaying them is the dead-letter command's job.
    """
    ids = [row.pk for row in rows if row.status == OutboxStatus.DELIVERED]
    if not ids:
        return 0
    now = timezone.now()
    count = 0
    for pk in ids:
        count += OutboxRecord.objects.filter(pk=pk, status=OutboxStatus.DELIVERED).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now,
            claimed_by="", lease_until=None, last_error=reason[:64], last_error_detail="",
            requeue_count=F("requeue_count") + 1,
        )
    return count

