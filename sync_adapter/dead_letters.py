"""
Dead letters: records the registry refused for good, or that ran out of retries.

They are never dropped.  An operator lists them, reads why, fixes the cause (the
learner's ID number, the registry's key, an outage) and replays them: replay puts the
same rows back in the queue with a fresh attempt budget and the same idempotency key.
"""
import logging

from django.db.models import Count, F
from django.utils import timezone

from sync_adapter.models import OutboxRecord, OutboxStatus

log = logging.getLogger(__name__)


def dead_letters(*, user_id=None, reason=None, ids=None):
    """The dead letters, oldest first, optionally for one learner, one reason or some ids."""
    rows = OutboxRecord.objects.filter(status=OutboxStatus.DEAD)
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    if reason:
        rows = rows.filter(dead_reason__startswith=reason) if reason.endswith(":") else rows.filter(
            dead_reason=reason)
    if ids:
        rows = rows.filter(id__in=list(ids))
    return rows.order_by("id")


def reasons_summary():
    """``[(reason, count), ...]``, most frequent first."""
    rows = (OutboxRecord.objects.filter(status=OutboxStatus.DEAD).values("dead_reason")
            .annotate(count=Count("id")).order_by("-count", "dead_reason"))
    return [(row["dead_reason"], row["count"]) for row in rows]


def replay(rows):
    """
    Queue dead letters again; return how many were replayed.

    The conditional UPDATE only touches rows that are still dead, so two operators
    replaying at once cannot double anything (and the key dedups in the registry).
    """
    ids = list(rows.values_list("id", flat=True)) if hasattr(rows, "values_list") else [r.pk for r in rows]
    now = timezone.now()
    count = OutboxRecord.objects.filter(id__in=ids, status=OutboxStatus.DEAD).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, claimed_by="", lease_until=None,
        dead_at=None, dead_reason="", replay_count=F("replay_count") + 1,
    )
    log.info("Replayed %s dead letters", count)
    return count
