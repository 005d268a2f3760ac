"""
Conflicts: rows the registry answered ``conflict`` to, waiting for a person.

A conflict means the registry holds a *different* body under the row's key: the
record was filed under another identity (an ID number corrected before the registry
heard of it), or the ledger's copy was changed by hand.  Marking it delivered would
leave the registry wrong for ever while reconciliation repeats the difference (issue
13), so the drain parks it in ``review`` and a person decides:

* ``accept`` -- the registry's copy stands; the row counts as delivered, with who,
  when and why;
* ``resend`` -- the cause is fixed (say, the identity transfer was delivered): the
  row is queued again under the same key, and a registry that now holds the same body
  answers ``duplicate``.
"""
import logging

from django.db.models import F
from django.utils import timezone

from sync_adapter.models import ConflictDecision, OutboxRecord, OutboxStatus

log = logging.getLogger(__name__)


class DecisionError(ValueError):
    """A decision without a reason or a person, or one that is not known."""


def conflicts(*, user_id=None, ids=None):
    """The rows waiting for a decision, oldest first."""
    rows = OutboxRecord.objects.filter(status=OutboxStatus.REVIEW)
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    if ids:
        rows = rows.filter(id__in=list(ids))
    return rows.order_by("id")


def decide(rows, decision, *, by, reason):
    """
    Apply one decision to rows still in review; return how many changed.

    ``by`` names the person (a username); ``reason`` says why.  Rows decided by someone
    else in the meantime are left alone (the UPDATE only matches rows in review).
    """
    if decision not in ConflictDecision.values:
        raise DecisionError(f"unknown decision {decision!r}")
    if not (by or "").strip() or not (reason or "").strip():
        raise DecisionError("a decision needs the person who takes it and a reason")
    ids = list(rows.values_list("id", flat=True)) if hasattr(rows, "values_list") else [row.pk for row in rows]
    now = timezone.now()
    decided = {"decision": decision, "decided_by": by[:150], "decided_at": now, "decision_reason": reason}
    if decision == ConflictDecision.ACCEPT:
        changes = {**decided, "status": OutboxStatus.DELIVERED, "delivered_at": now, "last_error": ""}
    else:
        changes = {**decided, "status": OutboxStatus.PENDING, "attempts": 0, "next_attempt_at": now,
                   "claimed_by": "", "lease_until": None, "outcome": "", "requeue_count": F("requeue_count") + 1}
    count = OutboxRecord.objects.filter(id__in=ids, status=OutboxStatus.REVIEW).update(**changes)
    log.info("Conflict decision %s by %s on %s outbox rows", decision, by, count)
    return count
