"""
What a course is worth, and the evidence that a learner really studied it.

``CourseCreditSpec`` is set by the organisation department per Open edX course
(Fujian §2.2, Anhui Art. 10, Loudi Art. 10).  ``CreditBlock`` lists the credit-hour
XBlocks whose verified learning time must be complete before a course's hours are
awarded; ``BlockVerification`` records each block a learner completed (reported by
the XBlock through ``api.report_block_verified``).  ``CoursePassing`` keeps the exam
pass that Anhui required hours and Loudi exam bonus credits depend on.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey


def validate_course_key(value):
    try:
        CourseKey.from_string(value)
    except InvalidKeyError:
        raise ValidationError(_("Not a valid course key."), code="course_key") from None


def validate_usage_key(value):
    try:
        UsageKey.from_string(value)
    except InvalidKeyError:
        raise ValidationError(_("Not a valid usage key."), code="usage_key") from None


def validate_year_list(value):
    if not isinstance(value, list) or not all(isinstance(y, int) and 1990 < y < 2200 for y in value):
        raise ValidationError(_("Academic years are a list of years, e.g. [2025, 2026]."), code="years")


class Category(models.TextChoices):
    REQUIRED = "required", _("Required (必修)")
    ELECTIVE = "elective", _("Elective (选修)")


class Topic(models.TextChoices):
    """Anhui Art. 6 content areas, usable as course tags."""

    THEORY = "theory", _("Basic theory")
    PARTY_SPIRIT = "party_spirit", _("Party spirit")
    COMPETENCE = "competence", _("Professional competence")
    KNOWLEDGE = "knowledge", _("Knowledge")
    PROVINCE = "province", _("Provincial situation")


class CourseCreditSpec(models.Model):
    """The hours (or lecture minutes) a course is worth, and the conditions."""

    course_key = models.CharField(_("course key"), max_length=255, unique=True,
                                  validators=[validate_course_key])
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2, null=True, blank=True,
                                help_text=_("Hours assigned to the course; leave empty to count lecture minutes."))
    lecture_minutes = models.DecimalField(_("lecture minutes"), max_digits=9, decimal_places=2,
                                          null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=24, choices=Topic.choices, blank=True)
    # Shown in the learner home's course list (learners choose electives by lecturer).
    lecturer = models.CharField(_("lecturer"), max_length=100, blank=True)
    exam_required = models.BooleanField(_("exam pass required"), default=False)
    exam_bonus_credits = models.DecimalField(_("exam bonus credits"), max_digits=7, decimal_places=2,
                                             null=True, blank=True)
    academic_years = models.JSONField(_("academic years"), default=list, blank=True,
                                      validators=[validate_year_list],
                                      help_text=_("Years the course is offered for; empty means every year."))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, verbose_name=_("changed by"),
                                   on_delete=models.SET_NULL, related_name="+")
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("course credit spec")
        verbose_name_plural = _("course credit specs")

    def __str__(self):
        return self.course_key

    def clean(self):
        if self.hours is None and self.lecture_minutes is None:
            raise ValidationError(_("Give the course's hours or its lecture minutes."), code="no_value")


class CreditBlock(models.Model):
    """A credit-hour block that must be verified before the course's hours count."""

    course_key = models.CharField(_("course key"), max_length=255, db_index=True, validators=[validate_course_key])
    usage_key = models.CharField(_("usage key"), max_length=255, unique=True, validators=[validate_usage_key])
    required_seconds = models.PositiveIntegerField(_("required seconds"))
    registered = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("credit block")
        verbose_name_plural = _("credit blocks")

    def __str__(self):
        return self.usage_key


class BlockVerification(models.Model):
    """One learner's verified completion of one credit block (server-decided time)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    course_key = models.CharField(max_length=255)
    usage_key = models.CharField(max_length=255)
    verified_seconds = models.PositiveIntegerField()
    session_ids = models.JSONField(default=list)
    # When the block was verified (the block passes its own completion time, so a late
    # catch-up report still files the hours under the day they were earned).
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("block verification")
        verbose_name_plural = _("block verifications")
        constraints = [models.UniqueConstraint(fields=["user", "usage_key"], name="cadre_blockverif_once")]
        indexes = [models.Index(fields=["user", "course_key"])]

    def __str__(self):
        return f"{self.user_id} {self.usage_key}"


class CoursePassing(models.Model):
    """
    The latest passing status Open edX reported for a learner in a course.

    ``first_passed_at`` is kept once set: a grade that later drops does not undo an
    exam that was passed (the hours already earned stay traceable to it).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    course_key = models.CharField(max_length=255)
    is_passing = models.BooleanField(default=False)
    first_passed_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("course passing status")
        verbose_name_plural = _("course passing statuses")
        constraints = [models.UniqueConstraint(fields=["user", "course_key"], name="cadre_passing_once")]

    def __str__(self):
        return f"{self.user_id} {self.course_key} {'passing' if self.is_passing else 'not passing'}"

    @property
    def has_passed(self):
        return self.first_passed_at is not None


class CourseCertificate(models.Model):
    """
    The Open edX certificate of a learner in a course, as far as the award machine
    needs it (ADR 0018).

    Open edX sends ``CERTIFICATE_CREATED`` on *every* save of a passing certificate
    and its data carries no certificate id, so "is this a new certificate?" is
    answered here: a ``CERTIFICATE_CREATED`` that arrives while ``revoked`` is set is
    a certificate issued anew (``issues`` counts them); any other one is a repeated
    save.  ``revoked`` also keeps a revocation that had no award to reverse, so a
    later grade recalculation or block report cannot award the course either.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    course_key = models.CharField(max_length=255)
    status = models.CharField(_("last certificate status"), max_length=32, blank=True)
    revoked = models.BooleanField(_("revoked in Open edX"), default=False)
    issues = models.PositiveIntegerField(_("certificates issued"), default=0)
    revocations = models.PositiveIntegerField(_("revocations"), default=0)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("course certificate state")
        verbose_name_plural = _("course certificate states")
        constraints = [models.UniqueConstraint(fields=["user", "course_key"], name="cadre_course_cert_once")]

    def __str__(self):
        return f"{self.user_id} {self.course_key} {self.status or '-'}{' revoked' if self.revoked else ''}"
