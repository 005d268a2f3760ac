"""
Records the console keeps of what administrators did that the ledger does not hold.

``RegistrationReview``: a unit administrator approved or rejected a learner's
registration (Inner Mongolia 2018 notice §三.2: registration is approved by the region
or unit administrator); a rejection carries the reason the learner is shown.

``NoticeDispatch`` and ``NoticeRecipient``: one sending of a quarter's notices
(Loudi Art. 16) for a node, and to whom each went with what outcome, so that the page
can say "this quarter was already sent on ... to ... learners" before it sends again.

Like the audit trail these rows are only ever inserted.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrationReview(models.Model):
    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cadre_registration_reviews",
                             verbose_name=_("learner"))
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("registration review")
        verbose_name_plural = _("registration reviews")
        ordering = ("-reviewed_at", "-id")

    def __str__(self):
        return f"{self.user_id} {self.decision}"


class NoticeDispatch(models.Model):
    node = models.ForeignKey("cadre_policy.OrgNode", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("organisation node"))
    year = models.PositiveSmallIntegerField(_("academic year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    language = models.CharField(_("language"), max_length=16)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("sent by"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    resend = models.BooleanField(_("sent again"), default=False)
    sent = models.PositiveIntegerField(_("sent"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("notice dispatch")
        verbose_name_plural = _("notice dispatches")
        ordering = ("-sent_at", "-id")
        indexes = [models.Index(fields=["node", "year", "quarter"])]

    def __str__(self):
        return f"{self.node_id} {self.year}Q{self.quarter} {self.sent_at:%Y-%m-%d %H:%M}"


class NoticeRecipient(models.Model):
    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Sending failed")
        NO_EMAIL = "no_email", _("Skipped: no e-mail address")
        NO_STATUS = "no_status", _("Skipped: no status for the year")

    dispatch = models.ForeignKey(NoticeDispatch, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("learner"))
    email = models.CharField(_("e-mail address"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        ordering = ("id",)

    def __str__(self):
        return f"{self.dispatch_id} {self.user_id} {self.outcome}"
