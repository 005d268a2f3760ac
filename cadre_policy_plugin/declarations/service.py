"""
Declaring and reviewing the lines of the hours registration form.

Why each rule:

* Deadline (Art. 13 "每年12月20日前"): a learner declares lines of year ``Y`` until the
  end of 20 December ``Y`` in the platform's time zone; later, the unit back-fills
  through the console's entry form instead (ADR 0003).  The date of the activity must
  lie in ``Y`` and not after today.
* Evidence (Art. 10): off-job training needs the organiser's 学员鉴定表 and
  self-study its written output (Art. 7, counted by characters); group study and
  lecturing may attach a document.  Documents go through ``services.evidence`` (type
  recognised by the bytes, stored once by SHA-256, owned by the learner who declared it,
  so approval may cite it and nobody outside the learner's units can read it).
* The amounts are judged by the learner's own rules when declared (so a shape the pack
  refuses is refused at once, not at review) and again when the unit approves, by
  ``api.add_entry`` itself.
* Approval credits the line through ``api.add_entry`` (audited, scoped to the
  reviewer's subtree, sync outbox in the same transaction), with
  ``evidence_type="upload"`` and the document's SHA-256, or — without a document —
  ``evidence_type="administrator"`` and ``declaration:<uuid>``, so approving twice never
  credits twice.  The declaration row is locked while it is reviewed.
"""
import logging
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadre_policy_plugin import api
from cadre_policy_plugin.models import (
    DeclarationKind,
    DeclarationStatus,
    EvidenceType,
    HoursDeclaration,
    LearnerProfile,
    LedgerEntry,
)
from cadre_policy_plugin.services import evidence, scope
from cadre_policy_plugin.services.audit import audit
from cadre_policy_plugin.services.ledger import preview_entry

log = logging.getLogger(__name__)

DEADLINE_MONTH, DEADLINE_DAY = 12, 20
#: The amount each kind is declared in (Art. 5–8): half days of off-job training
#: (4 hours each), hours of group study, characters written, minutes taught.
QUANTITY = {
    DeclarationKind.OFFLINE_TRAINING: "half_days",
    DeclarationKind.GROUP_STUDY: "hours",
    DeclarationKind.SELF_STUDY: "characters",
    DeclarationKind.LECTURING: "minutes",
}
DOCUMENT_REQUIRED = {DeclarationKind.OFFLINE_TRAINING, DeclarationKind.SELF_STUDY}


def deadline(year):
    return date(year, DEADLINE_MONTH, DEADLINE_DAY)


def open_year(today=None):
    """The year a learner may still declare for today, or ``None`` after 20 December."""
    today = today or timezone.localdate()
    return today.year if today <= deadline(today.year) else None


def _amount(value, *, whole=False):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValidationError(_("Not a number."), code="amount") from None
    if not amount.is_finite() or amount <= 0 or (whole and amount != amount.to_integral_value()):
        raise ValidationError(_("Amounts are positive numbers."), code="amount")
    return amount


def declare(user, *, kind, title, earned_on, amount, organiser="", absent_hours=None, upload=None):
    """
    Add one line to ``user``'s form of ``earned_on``'s year (pending review).

    Raises ``ValidationError`` (deadline passed, date outside the year or in the future,
    a missing document where Art. 10/7 asks for one, an amount the learner's rules
    refuse) and ``PermissionDenied`` for a user without an active learner profile.
    """
    profile = LearnerProfile.objects.select_related("unit").filter(user=user).first()
    if profile is None or not profile.is_active_learner or not profile.approved:
        raise PermissionDenied(_("Only learners with an approved profile can declare hours."))
    if kind not in QUANTITY:
        raise ValidationError(_("Choose what kind of training this was."), code="kind")
    if not (title or "").strip():
        raise ValidationError(_("Name the training, study or lecture."), code="title")
    today = timezone.localdate()
    year = open_year(today)
    if year is None or earned_on.year != year:
        raise ValidationError(
            _("Lines of the form are declared by %(deadline)s for the same year; this one is outside that window. "
              "Ask your unit to enter it.") % {"deadline": deadline(earned_on.year).isoformat()}, code="deadline")
    if earned_on > today:
        raise ValidationError(_("The date is in the future."), code="future")
    quantities = {QUANTITY[kind]: _amount(amount, whole=kind == DeclarationKind.SELF_STUDY)}
    if quantities[QUANTITY[kind]] is None:
        raise ValidationError(_("Give the amount."), code="amount")
    if kind == DeclarationKind.OFFLINE_TRAINING and absent_hours not in (None, ""):
        quantities["absent_hours"] = _amount(absent_hours)
    if kind in DOCUMENT_REQUIRED and upload is None:
        raise ValidationError(
            _("Attach the organiser's trainee assessment form (学员鉴定表).") if kind == DeclarationKind.OFFLINE_TRAINING
            else _("Attach the notes, reflections or report you wrote."), code="document_required")
    preview_entry(user, source=kind, earned_on=earned_on, **quantities)
    with transaction.atomic():
        document = None
        if upload is not None:
            document = evidence.store_for_learner(user, upload, uploaded_by=user)
        row = HoursDeclaration.objects.create(user=user, year=year, kind=kind, title=title.strip()[:200],
                                              organiser=(organiser or "").strip()[:200], earned_on=earned_on,
                                              document=document, **quantities)
    log.info("declaration %s by user %s (%s)", row.uuid, user.pk, kind)
    return row


def visible_declarations(admin):
    """The declarations of the learners below the nodes ``admin`` administers."""
    return HoursDeclaration.objects.filter(user__cadre_profile__in=scope.visible_profiles(admin))


def _locked(admin, declaration_uuid):
    row = visible_declarations(admin).select_for_update().filter(uuid=declaration_uuid).first()
    if row is None:
        raise HoursDeclaration.DoesNotExist(declaration_uuid)
    if row.status != DeclarationStatus.PENDING:
        raise ValidationError(_("This line was already reviewed."), code="reviewed")
    return row


def approve(admin, declaration_uuid, *, note=""):
    """Credit the line (see module doc); returns the declaration with ``entry_uuid`` set."""
    with transaction.atomic():
        row = _locked(admin, declaration_uuid)
        if not scope.can_manage_learner(admin, row.user):
            raise PermissionDenied(_("This learner is outside the units you administer."))
        reason = _("Hours registration form %(year)s, approved: %(title)s") % {"year": row.year, "title": row.title}
        if note.strip():
            reason = f"{reason} ({note.strip()})"
        if row.document_id:
            kind, ref = EvidenceType.UPLOAD, row.document.sha256
        else:
            kind, ref = EvidenceType.ADMINISTRATOR, f"declaration:{row.uuid}"
        entry = api.add_entry(row.user, source=row.kind, entered_by=admin, reason=reason, earned_on=row.earned_on,
                              evidence_type=kind, evidence_ref=ref, **row.quantities())
        if entry is None:
            raise ValidationError(_("This evidence is already credited to the learner."), code="already")
        HoursDeclaration.objects.filter(pk=row.pk).update(
            status=DeclarationStatus.APPROVED, reviewed_by=admin, reviewed_at=timezone.now(),
            review_reason=note.strip(), entry_uuid=entry.uuid)
        row.refresh_from_db()
    return row


def reject(admin, declaration_uuid, *, reason):
    """Send the line back with ``reason`` (required; the learner reads it on their form)."""
    if not (reason or "").strip():
        raise ValidationError(_("Give the learner the reason for the rejection."), code="reason")
    with transaction.atomic():
        row = _locked(admin, declaration_uuid)
        if not scope.can_manage_learner(admin, row.user):
            raise PermissionDenied(_("This learner is outside the units you administer."))
        HoursDeclaration.objects.filter(pk=row.pk).update(
            status=DeclarationStatus.REJECTED, reviewed_by=admin, reviewed_at=timezone.now(),
            review_reason=reason.strip())
        audit(admin, "declaration.reject", target=row, learner=row.user, reason=reason.strip(),
              detail={"year": row.year, "kind": row.kind})
        row.refresh_from_db()
    return row


def form_lines(user, year):
    """The learner's lines of ``year`` in form order."""
    return list(HoursDeclaration.objects.filter(user=user, year=year).select_related("document", "reviewed_by")
                .order_by("earned_on", "id"))


def counted_hours(lines):
    """Hours of the approved lines as the ledger counted them (entry uuid → hours)."""
    uuids = [line.entry_uuid for line in lines if line.entry_uuid]
    if not uuids:
        return {}
    return {str(u): hours for u, hours in LedgerEntry.objects.filter(uuid__in=uuids).values_list("uuid", "value_hours")}
