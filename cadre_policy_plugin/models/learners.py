"""
Real-name learner profiles (one person, one account: Anhui Art. 8, Loudi Art. 8).

The national ID number is kept twice: the value itself (the registry files records
under it) and a keyed hash that carries the uniqueness constraint and serves lookups,
so no query ever needs the plain number in a WHERE clause (ADR 0011); the mobile
number likewise has a keyed hash for signing in by mobile (ADR 0016).  Leaving
(retired, resigned, deceased, transferred) closes cadre courses and, by policy
(``LEAVING_ENDS_SIGN_IN``), deactivates the Open edX account; the training file stays.
"""
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from cadre_policy_plugin import identity
from cadre_policy_plugin.conf import cadre_setting, id_hash_key

log = logging.getLogger(__name__)

ID_NUMBER_MESSAGES = {
    "length": _("An ID number has 18 characters."),
    "format": _("An ID number is 17 digits followed by a digit or X."),
    "birth_date": _("The birth date inside the ID number is not a valid date."),
    "checksum": _("The check digit of the ID number is wrong (GB 11643)."),
}


def validate_id_number(value):
    """Django validator for GB 11643 ID numbers (message never repeats the number)."""
    try:
        identity.check_id_number(value)
    except identity.IdNumberError as exc:
        raise ValidationError(ID_NUMBER_MESSAGES[exc.code], code=f"id_number_{exc.code}") from None


def validate_mobile(value):
    """Django validator for mainland mobile numbers."""
    try:
        identity.check_mobile(value)
    except ValueError:
        raise ValidationError(_("A mobile number has 11 digits and starts with 13 to 19."),
                              code="mobile") from None


class Rank(models.TextChoices):
    """职级, the keys the rules engine uses."""

    BUREAU = "bureau", _("Department/bureau level (厅局级)")
    COUNTY = "county", _("County/division level (县处级)")
    SECTION = "section", _("Section level (科级)")
    STAFF = "staff", _("Staff (科员及以下)")
    OTHER = "other", _("Other")


class PoliticalStatus(models.TextChoices):
    """政治面貌, as on the registration form (Fujian §5.1)."""

    PARTY_MEMBER = "cpc", _("CPC member")
    PROBATIONARY = "cpc_probationary", _("CPC probationary member")
    LEAGUE_MEMBER = "cyl", _("CYL member")
    DEMOCRATIC_PARTY = "democratic_party", _("Member of a democratic party")
    NON_PARTISAN = "non_partisan", _("Non-partisan")
    MASSES = "masses", _("Ordinary citizen")


class LearnerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")
    RESIGNED = "resigned", _("Resigned")
    DECEASED = "deceased", _("Deceased")
    TRANSFERRED = "transferred", _("Transferred out")


LEAVING_STATUSES = frozenset(s for s in LearnerStatus.values if s != LearnerStatus.ACTIVE)


class LearnerProfileQuerySet(models.QuerySet):
    def with_id_number(self, id_number):
        """Look a learner up by ID number through the keyed hash (never the plain value)."""
        return self.filter(id_number_hash=identity.hash_id_number(id_number, id_hash_key()))

    def with_mobile(self, mobile):
        """Look a learner up by mobile number through its keyed hash (never the plain value)."""
        return self.filter(mobile_hash=identity.hash_mobile(mobile, id_hash_key()))

    def in_subtree(self, nodes):
        """Learners whose unit lies below any of ``nodes``."""
        from cadre_policy_plugin.models.org import OrgNode

        return self.filter(unit__in=OrgNode.objects.subtree_of_any(nodes))


class LearnerProfile(models.Model):
    """
    A cadre's real-name file header.

    .. pii: ``real_name``, ``id_number`` and ``mobile`` are personal data; the ID
       number and mobile are shown masked only and never logged.
    .. pii_retirement: retained — the training file must be kept after leaving.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="cadre_profile", verbose_name=_("user"))
    real_name = models.CharField(_("real name"), max_length=64)
    id_number = models.CharField(_("ID number"), max_length=18, validators=[validate_id_number])
    id_number_hash = models.CharField(_("ID number hash"), max_length=64, unique=True, editable=False)
    mobile = models.CharField(_("mobile number"), max_length=11, blank=True, validators=[validate_mobile])
    # Keyed hash of ``mobile`` for signing in by mobile number (ADR 0016); empty without one.
    mobile_hash = models.CharField(_("mobile number hash"), max_length=64, blank=True, db_index=True, editable=False)
    rank = models.CharField(_("rank"), max_length=16, choices=Rank.choices)
    unit = models.ForeignKey("cadre_policy.OrgNode", on_delete=models.PROTECT,
                             related_name="learners", verbose_name=_("unit"))
    political_status = models.CharField(_("political status"), max_length=24,
                                        choices=PoliticalStatus.choices, blank=True)
    post = models.CharField(_("post"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=LearnerStatus.choices,
                              default=LearnerStatus.ACTIVE)
    approved = models.BooleanField(_("approved"), default=False,
                                   help_text=_("Registration checked by the unit administrator."))
    password_change_required = models.BooleanField(
        _("must change password"), default=False,
        help_text=_("The account holds an initial password: the learner must choose their own before anything else."))
    registered_on = models.DateField(_("registered on"), null=True, blank=True,
                                     help_text=_("First-year pro-rating starts here (Fujian §4.2)."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    objects = LearnerProfileQuerySet.as_manager()

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("learner profile")
        verbose_name_plural = _("learner profiles")
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self):
        return f"{self.real_name} ({self.masked_id_number})"

    def save(self, *args, **kwargs):
        """
        Keep the hashes in step and, by policy (``LEAVING_ENDS_SIGN_IN``), deactivate
        the account of a learner who left (the training file stays either way).

        Only a plain learner account is switched off: a staff, superuser, academy-staff
        or administrator account keeps its state (its rights are the academy's to
        change, ADR 0015), so a profile saved as retired can never lock out an
        administrator of another region or a superuser.
        """
        from cadre_policy_plugin.services import roles  # noqa: PLC0415 (services import the models)

        self.id_number = identity.normalize_id_number(self.id_number)
        self.id_number_hash = identity.hash_id_number(self.id_number, id_hash_key())
        self.mobile = (self.mobile or "").strip().replace(" ", "")
        self.mobile_hash = identity.hash_mobile(self.mobile, id_hash_key()) if self.mobile else ""
        if kwargs.get("update_fields") is not None and "mobile" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "mobile_hash"}
        with transaction.atomic():
            super().save(*args, **kwargs)
            if (self.status in LEAVING_STATUSES and self.user.is_active
                    and cadre_setting("LEAVING_ENDS_SIGN_IN")):
                if not roles.may_deactivate(self.user):
                    log.warning("profile %s left; account %s kept active (staff or administrator account)",
                                self.pk, self.user_id)
                    return
                type(self.user).objects.filter(pk=self.user_id).update(is_active=False)
                self.user.is_active = False

    @property
    def masked_id_number(self):
        return identity.mask_id_number(self.id_number)

    @property
    def masked_mobile(self):
        return identity.mask_mobile(self.mobile)

    @property
    def is_active_learner(self):
        return self.status == LearnerStatus.ACTIVE

    def clean(self):
        """Normalize, then refuse a second profile for the same person."""
        if self.id_number:
            self.id_number = identity.normalize_id_number(self.id_number)
            digest = identity.hash_id_number(self.id_number, id_hash_key())
            clash = type(self).objects.filter(id_number_hash=digest).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {"id_number": _("A learner with this ID number already exists (one person, one account).")},
                    code="id_number_taken")
