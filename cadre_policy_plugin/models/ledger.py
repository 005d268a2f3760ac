"""
The ledger: the electronic training file (电子档案) as append-only rows.

Every hour a learner holds is one ``LedgerEntry`` traceable to its evidence; a
revocation is a new row that ``reverses`` the old one (at most one reversal per
entry).  ``save()`` refuses to update an existing row and ``delete()`` is refused,
on the model and on querysets.  Two plain unique constraints (no partial indexes, so
MariaDB enforces them too) stop double credit (ADR 0012):

* ``(user, evidence_type, evidence_ref)`` — the same evidence is never credited twice
  (Open edX sends CERTIFICATE_CREATED on every passing save);
* ``(user, award_key)`` — a course's hours are awarded once per learner whatever the
  evidence path (certificate or verified blocks); NULL for other entries.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerImmutableError(Exception):
    """A ledger row was about to be changed or deleted."""


class Source(models.TextChoices):
    """The rules engine's entry sources."""

    ONLINE_COURSE = "online_course", _("Online course")
    LIVE_CLASS = "live_class", _("Live class")
    SPECIAL_COURSE = "special_course", _("Special topic course")
    EXAM_BONUS = "exam_bonus", _("Exam bonus")
    OFFLINE_TRAINING = "offline_training", _("Off-job training")
    GROUP_STUDY = "group_study", _("Central-group study")
    SELF_STUDY = "self_study", _("Self-study")
    LECTURING = "lecturing", _("Lecturing")
    ADJUSTMENT = "adjustment", _("Adjustment")


class EvidenceType(models.TextChoices):
    CERTIFICATE = "certificate", _("Open edX certificate")
    BLOCK_SESSIONS = "block_sessions", _("Verified learning sessions")
    EXAM = "exam", _("Exam pass")
    UPLOAD = "upload", _("Uploaded document")
    ADMINISTRATOR = "administrator", _("Administrator with a written reason")
    IMPORT = "import", _("Imported record")
    REVERSAL = "reversal", _("Reversal of an entry")


class LedgerQuerySet(models.QuerySet):
    def delete(self):
        raise LedgerImmutableError("ledger entries are never deleted; reverse them")

    def update(self, **kwargs):
        raise LedgerImmutableError("ledger entries are never updated; add a new entry")

    def effective(self):
        """Entries that count: not reversals themselves and not reversed."""
        return self.filter(reverses__isnull=True, reversal__isnull=True)


QUANTITY = {"max_digits": 10, "decimal_places": 2, "null": True, "blank": True}


class LedgerEntry(models.Model):
    """One credit (or one reversal) in a learner's file."""

    uuid = models.UUIDField(_("entry id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="cadre_ledger_entries", verbose_name=_("learner"))
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    category = models.CharField(_("category"), max_length=16, blank=True,
                                choices=[("required", _("Required (必修)")), ("elective", _("Elective (选修)"))])
    course_key = models.CharField(_("course"), max_length=255, blank=True, db_index=True)
    # Quantities, exactly the rules engine's Entry fields.
    minutes = models.DecimalField(_("minutes"), **QUANTITY)
    hours = models.DecimalField(_("hours"), **QUANTITY)
    credits = models.DecimalField(_("credits"), **QUANTITY)
    half_days = models.DecimalField(_("half days"), **QUANTITY)
    absent_hours = models.DecimalField(_("absent hours"), **QUANTITY)
    characters = models.DecimalField(_("characters"), max_digits=12, decimal_places=0, null=True, blank=True)
    exam_passed = models.BooleanField(_("exam passed"), null=True, blank=True)
    # What the engine made of it when it was written (a record, not a source of truth).
    value_hours = models.DecimalField(_("counted hours"), **QUANTITY)
    value_credits = models.DecimalField(_("counted credits"), **QUANTITY)
    earned_on = models.DateField(_("earned on"))
    academic_year = models.PositiveSmallIntegerField(_("academic year"), null=True, blank=True, db_index=True)
    # The engine's reason code when the entry counted for nothing when it was written
    # (rules.vocabulary.EXCLUSION_REASONS); services/reasons.py turns it into a sentence.
    excluded_reason = models.CharField(_("why not counted"), max_length=32, blank=True, default="")
    policy_key = models.CharField(_("policy pack"), max_length=64, blank=True)
    evidence_type = models.CharField(_("evidence type"), max_length=24, choices=EvidenceType.choices)
    evidence_ref = models.CharField(_("evidence"), max_length=255)
    # What exactly happened, for the file and the auditors (ADR 0018): the verified
    # blocks with their session ids, the certificate status and issue, the exam pass.
    evidence_detail = models.JSONField(_("evidence detail"), default=dict, blank=True)
    # NULL on purpose: many NULLs never collide in the unique constraint on any backend.
    award_key = models.CharField(_("award key"), max_length=255, null=True, blank=True, editable=False)  # noqa: DJ001
    reason = models.TextField(_("reason"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("entered by"))
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversal", verbose_name=_("reverses"))
    created = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ("created", "id")
        constraints = [
            models.UniqueConstraint(fields=["user", "evidence_type", "evidence_ref"],
                                    name="cadre_ledger_evidence_once"),
            models.UniqueConstraint(fields=["user", "award_key"], name="cadre_ledger_award_once"),
        ]
        # (user, earned_on): a learner's year and a close chunk's rows are index range
        # scans, whatever the size of the ledger.
        indexes = [models.Index(fields=["user", "academic_year"]),
                   models.Index(fields=["user", "earned_on"], name="cadre_ledger_user_earned")]

    def __str__(self):
        return f"{self.uuid} {self.source} {self.value_hours or self.value_credits or ''}"

    def save(self, *args, **kwargs):
        """Insert only: an existing row is never changed (corrections are new rows)."""
        if self.pk is not None or kwargs.get("update_fields"):
            raise LedgerImmutableError("ledger entries are never updated; add a new entry")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutableError("ledger entries are never deleted; reverse them")

    @property
    def is_reversal(self):
        return self.reverses_id is not None
