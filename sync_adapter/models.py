"""
The outbox: one row per ledger change, written in the ledger's own transaction.

A row is never deleted by this app: it moves ``pending`` -> ``delivered``, or
``pending`` -> ``dead`` (a dead letter, kept with its reason until someone replays
it), or ``pending`` -> ``review`` when the registry answered ``conflict`` (it holds a
different body under the key): that is never taken as delivered until a person
decides (``cadre_sync_conflicts``).  A row is a ledger record or, ``kind="transfer"``,
an identity correction (the registry re-files a person's records under a new ID
number, issue 13).  No personal data is stored here: the registry identity (ID number, name) is
looked up at send time, so the outbox holds only the ledger facts.
"""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    """Where a row is in its life."""

    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter")
    REVIEW = "review", _("Conflict: waiting for a person's decision")


class OutboxKind(models.TextChoices):
    """What a row carries to the registry."""

    RECORD = "record", _("Ledger record")
    TRANSFER = "transfer", _("Identity transfer (ID number corrected, accounts merged)")


class ConflictDecision(models.TextChoices):
    """What a person decided about a conflict."""

    ACCEPT = "accept", _("The registry's copy stands: marked delivered")
    RESEND = "resend", _("Sent again (after the cause was fixed)")


class DeliveryOutcome(models.TextChoices):
    """What the registry said when it took the record."""

    ACCEPTED = "accepted", _("Accepted (new record)")
    DUPLICATE = "duplicate", _("Already held, identical")
    CONFLICT = "conflict", _("Already held under this key with a different body")


class OutboxRecord(models.Model):
    """
    One ledger change waiting for, or done with, delivery to the registry.

    ``idempotency_key`` is deterministic (entry uuid + version), so re-sending after
    a timeout, a crash or a reconciliation re-queue is harmless: the registry keeps
    one record per key.  ``claimed_by``/``lease_until`` say which drain run owns the
    row right now; an expired lease means the owner died and anyone may claim it.
    """

    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OutboxKind.choices, default=OutboxKind.RECORD)
    entry_uuid = models.CharField(_("ledger entry"), max_length=64, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    user_id = models.BigIntegerField(_("learner (user id)"), db_index=True)
    academic_year = models.IntegerField(_("academic year"), null=True, blank=True)
    # The uuid of the ledger entry this one reverses: held back until that is delivered.
    reverses_uuid = models.CharField(_("reverses entry"), max_length=64, blank=True, default="", db_index=True)
    # Snapshot of the ledger entry (LedgerEntryData, JSON-safe, no personal data).
    payload = models.JSONField(_("record sent"))

    status = models.CharField(_("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_by = models.CharField(_("claimed by"), max_length=64, blank=True, default="")
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)

    created = models.DateTimeField(_("queued at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    receipt_id = models.CharField(_("registry receipt"), max_length=128, blank=True, default="")
    outcome = models.CharField(_("outcome"), max_length=16, choices=DeliveryOutcome.choices, blank=True, default="")

    last_error = models.CharField(_("last error"), max_length=64, blank=True, default="")
    last_error_detail = models.TextField(_("last error detail"), blank=True, default="")
    dead_reason = models.CharField(_("why it gave up"), max_length=64, blank=True, default="", db_index=True)
    dead_at = models.DateTimeField(_("gave up at"), null=True, blank=True)
    replay_count = models.PositiveIntegerField(_("replays"), default=0)
    requeue_count = models.PositiveIntegerField(_("re-queues"), default=0)
    # A conflict's decision: who (username), when, what and why.
    decision = models.CharField(_("decision"), max_length=16, choices=ConflictDecision.choices, blank=True,
                                default="")
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True, default="")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True, default="")

    class Meta:
        app_label = "cadre_sync"
        verbose_name = _("outbox record")
        verbose_name_plural = _("outbox records")
        indexes = [
            # Claims scan pending rows in id order and stop at the batch size, so row
            # locks (SKIP LOCKED) only touch the rows examined, not every pending row.
            models.Index(fields=["status", "id"], name="cadre_sync_claim_idx"),
            models.Index(fields=["user_id", "academic_year"], name="cadre_sync_learner_year_idx"),
        ]

    def __str__(self):
        return f"{self.entry_uuid} v{self.version} ({self.status})"


class DeadLetterManager(models.Manager):
    """Only the rows that gave up (the dead-letter admin page shows nothing else)."""

    def get_queryset(self):
        return super().get_queryset().filter(status=OutboxStatus.DEAD)


class DeadLetter(OutboxRecord):
    """The dead letters, as their own admin page: list, show why, replay."""

    objects = DeadLetterManager()

    class Meta:
        proxy = True
        app_label = "cadre_sync"
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")
