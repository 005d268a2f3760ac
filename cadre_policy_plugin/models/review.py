"""
Review cases: sessions the credit-hour block flagged as possibly not studied by the
account's own person (Anhui Art. 8 one person one account, Art. 13 hang-up learning
and cheat software; ADR 0022).

The block reports flags through ``api.report_suspicious_session``; a case only waits
on the unit console's review list.  An administrator of the learner's unit decides:
*revoke* reverses the course's hours with a written reason (ledger reversal, registry
correction through the outbox) and puts the case in the unit's circular (通报);
*dismiss* closes it with a reason.  Nothing is revoked automatically.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewKind(models.TextChoices):
    SHARED_CLIENT = "shared_client", _("Several accounts on one device at once")
    FAST_ANSWERS = "fast_answers", _("Attention check answered faster than a person can read")
    UNIFORM_TIMING = "uniform_timing", _("Every attention check answered in the same time")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REVOKED = "revoked", _("Hours revoked")
    DISMISSED = "dismissed", _("Dismissed")


class ReviewCase(models.Model):
    """
    One flag about one account in one course (per session, or per account for
    ``uniform_timing``); repeated reports add to ``detail`` and ``times_seen``.
    ``detail`` never holds a client address or browser: the block sends a keyed
    digest naming the client.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("learner"))
    kind = models.CharField(_("what was found"), max_length=24, choices=ReviewKind.choices)
    course_key = models.CharField(_("course key"), max_length=255)
    usage_key = models.CharField(max_length=255, blank=True, default="")
    session_id = models.CharField(max_length=64, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    times_seen = models.PositiveIntegerField(default=1)
    status = models.CharField(_("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, default="")
    reversals = models.JSONField(default=list, blank=True,
                                 help_text="UUIDs of the ledger reversals written when the hours were revoked.")
    revoked_hours = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    revoked_credits = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("review case")
        verbose_name_plural = _("review cases")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "course_key", "session_id"],
                                               name="cadre_reviewcase_once")]
        indexes = [models.Index(fields=["status", "last_seen"], name="cadre_reviewcase_status")]

    def __str__(self):
        return f"{self.kind} {self.user_id} {self.course_key} ({self.status})"
