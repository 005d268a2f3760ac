"""
The hours registration form (《干部教育培训学时登记表》, Inner Mongolia Art. 12–13).

By 20 December each year a cadre declares the hours that no platform recorded —
off-job training (with the organiser's 学员鉴定表, Art. 10), Party committee
central-group study, self-study by written output (Art. 7) and lecturing (Art. 8) —
the unit reviews each line, and the year's form is filed.  One ``HoursDeclaration`` is
one line of that form.  Approval credits it through ``api.add_entry`` (the ledger
stays the one source of truth; ``entry_uuid`` points at what was credited); a
rejection sends the reason back to the learner, who may declare the line again.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

AMOUNT = {"max_digits": 10, "decimal_places": 2, "null": True, "blank": True}


class DeclarationKind(models.TextChoices):
    """The non-online sources of Art. 2, with the engine's source keys."""

    OFFLINE_TRAINING = "offline_training", _("Off-job training")
    GROUP_STUDY = "group_study", _("Central-group study")
    SELF_STUDY = "self_study", _("Self-study")
    LECTURING = "lecturing", _("Lecturing")


class DeclarationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class HoursDeclaration(models.Model):
    """One declared line of a learner's year (see module doc)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cadre_declarations",
                             verbose_name=_("learner"))
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    kind = models.CharField(_("kind"), max_length=24, choices=DeclarationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    earned_on = models.DateField(_("date"))
    half_days = models.DecimalField(_("half days"), **AMOUNT)
    absent_hours = models.DecimalField(_("absent hours"), **AMOUNT)
    hours = models.DecimalField(_("hours"), **AMOUNT)
    minutes = models.DecimalField(_("minutes"), **AMOUNT)
    characters = models.DecimalField(_("characters"), max_digits=12, decimal_places=0, null=True, blank=True)
    document = models.ForeignKey("cadre_policy.EvidenceDocument", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("document"))
    status = models.CharField(_("status"), max_length=16, choices=DeclarationStatus.choices,
                              default=DeclarationStatus.PENDING)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("review note"), blank=True)
    entry_uuid = models.CharField(_("ledger entry"), max_length=36, blank=True)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("hours declaration")
        verbose_name_plural = _("hours declarations")
        ordering = ("earned_on", "id")
        indexes = [models.Index(fields=["user", "year"]), models.Index(fields=["status", "year"])]

    def __str__(self):
        return f"{self.user_id} {self.year} {self.kind} {self.status}"

    def quantities(self):
        """The amounts given, as ``api.add_entry`` keyword arguments."""
        names = ("half_days", "absent_hours", "hours", "minutes", "characters")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}
