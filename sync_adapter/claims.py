"""
Claiming outbox rows so that no two workers send the same row at the same time.

Two layers, both always used:

* ``SELECT ... FOR UPDATE SKIP LOCKED`` (MariaDB 10.6+, MySQL 8, PostgreSQL): workers
  racing for the head of the queue skip each other's rows instead of queueing behind
  the lock, so N workers take N disjoint batches at once.
* a lease written by an atomic conditional ``UPDATE`` (``claimed_by``, ``lease_until``):
  the row stays owned after the claiming transaction commits, while the HTTP request
  runs outside any transaction, and a worker killed mid-batch simply lets its lease
  run out.  On SQLite (no row locks) the conditional UPDATE alone decides who wins.

A row is claimable when it is pending, due, not leased, and (for a reversal) the
entry it reverses is not still waiting in the outbox: a reversal never reaches the
registry before the entry it cancels.
"""
import logging
import os
import socket
import uuid
from datetime import timedelta

from django.db import connections, router, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sync_adapter.models import OutboxRecord, OutboxStatus

log = logging.getLogger(__name__)


def new_claim_token():
    """
    A token unique to one claim, so a late finish can tell if it still owns rows.

    It names the host and process too: delivered rows keep it, as a trace of which
    worker sent them.
    """
    return f"{socket.gethostname()[:20]}:{os.getpid()}:{uuid.uuid4().hex[:16]}"


def claimable(now):
    """The queryset of rows any worker may claim right now, oldest first."""
    # "Not delivered" written as the statuses that can be undelivered, so the database
    # probes the (status, id) index instead of scanning every delivered row.
    undelivered_target = OutboxRecord.objects.filter(
        entry_uuid=OuterRef("reverses_uuid"),
        status__in=(OutboxStatus.PENDING, OutboxStatus.DEAD),
    )
    return (
        OutboxRecord.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .filter(Q(reverses_uuid="") | ~Exists(undelivered_target))
        .order_by("id")
    )


#: What delivering a claimed row reads (``delivery``, the adapters): nothing else is loaded.
DELIVERY_FIELDS = ("id", "idempotency_key", "kind", "entry_uuid", "version", "user_id", "academic_year",
                   "reverses_uuid", "payload", "status", "attempts", "claimed_by", "lease_until")


def _lease_free(now):
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def claim_batch(limit, *, lease_seconds, token=None, now=None):
    """
    Claim up to ``limit`` rows for ``token`` and return them (oldest first).

    The rows carry ``claimed_by == token`` until :mod:`sync_adapter.delivery` finishes
    them or the lease ends.
    """
    token = token or new_claim_token()
    now = now or timezone.now()
    lease_until = now + timedelta(seconds=lease_seconds)
    alias = router.db_for_write(OutboxRecord)
    features = connections[alias].features
    with transaction.atomic(using=alias):
        candidates = claimable(now)
        if features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        rows = list(candidates.only(*DELIVERY_FIELDS)[:limit])
        if not rows:
            return token, []
        ids = [row.pk for row in rows]
        # The conditional UPDATE is what makes the claim safe without row locks: a
        # row another worker leased in between no longer matches and is not taken.
        won = (
            OutboxRecord.objects.filter(id__in=ids, status=OutboxStatus.PENDING)
            .filter(_lease_free(now))
            .update(claimed_by=token, lease_until=lease_until)
        )
    if won == len(rows):
        for row in rows:
            row.claimed_by, row.lease_until = token, lease_until
    else:
        # Lost some to another worker (SQLite: no row locks): keep only the rows this
        # claim owns.  By primary key: ``claimed_by`` is not indexed (delivered rows keep
        # it, so in a province's outbox a lookup by token alone would scan millions).
        log.info("Claim %s won %s of %s candidate rows", token, won, len(rows))
        rows = list(OutboxRecord.objects.using(alias).filter(id__in=ids, claimed_by=token).only(*DELIVERY_FIELDS)
                    .order_by("id"))
    return token, rows


def release(token, ids=None):
    """Give rows back without touching their attempts (e.g. the drain was told to stop)."""
    rows = OutboxRecord.objects.filter(claimed_by=token)
    if ids is not None:
        rows = rows.filter(id__in=list(ids))
    else:
        # Only leased rows can be given back; the (status, id) index finds them.
        rows = rows.filter(status=OutboxStatus.PENDING)
    return rows.update(claimed_by="", lease_until=None)
