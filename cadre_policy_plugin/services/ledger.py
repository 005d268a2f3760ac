"""
Writing the ledger: new entries, course awards, reversals.

Every write runs in ``transaction.atomic()`` with the learner's profile row locked
(``select_for_update`` of that row alone: learners of one unit never wait for each
other), so two writes for one learner never interleave and the year
status written at the end always includes both.  Inside that transaction the row is
inserted, ``signals.ledger_entry_recorded`` is sent (the sync adapter's outbox row
commits with it) and the year's cache is refreshed.  The engine judges the new entry
in the same run that produces the new status, so the row records what it was worth
when it was written.
"""
import logging
import uuid as uuid_module
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadre_policy_plugin import rules, signals
from cadre_policy_plugin.data import LedgerEntryData
from cadre_policy_plugin.models import EvidenceOwner, EvidenceType, LearnerProfile, LedgerEntry, OrgNode
from cadre_policy_plugin.services import plausible, scope
from cadre_policy_plugin.services.audit import audit
from cadre_policy_plugin.services.evaluation import ENTRY_FIELDS, engine_entry, evaluate_year, store_status

log = logging.getLogger(__name__)


def to_data(row):
    """The plain object other apps receive for a ledger row."""
    return LedgerEntryData(
        uuid=str(row.uuid), user_id=row.user_id, source=row.source, category=row.category or None,
        hours=row.value_hours, credits=row.value_credits, earned_on=row.earned_on,
        academic_year=row.academic_year, policy_key=row.policy_key, evidence_type=row.evidence_type,
        evidence_ref=row.evidence_ref, reason=row.reason,
        reverses=str(row.reverses.uuid) if row.reverses_id else None, created=row.created,
        entered_by_id=row.entered_by_id, course_key=row.course_key or None,
        excluded_reason=row.excluded_reason or "",
        evidence_detail=dict(row.evidence_detail or {}),
    )


def learner_owns_document(user, sha256):
    """True when the document ``sha256`` was uploaded for ``user`` (an ``EvidenceOwner`` row)."""
    return EvidenceOwner.objects.filter(document__sha256=sha256, user=user).exists()


def lock_profile(user):
    """
    The learner's profile, locked for the rest of the transaction (None: no profile).

    Only the profile row is locked.  ``select_for_update().select_related("unit")``
    would also lock the unit's ``OrgNode`` row (and the user's) wherever the database
    has no ``FOR UPDATE OF`` (MariaDB), so every write of every learner of one unit
    would wait for the one before it.  PostgreSQL gets the join with ``of=("self",)``;
    elsewhere the unit is read after the lock, unlocked.
    """
    user_id = getattr(user, "pk", user)
    profiles = LearnerProfile.objects.filter(user_id=user_id)
    if connection.features.has_select_for_update_of:
        return profiles.select_related("unit", "user").select_for_update(of=("self",)).first()
    profile = profiles.select_for_update().first()
    if profile is None:
        return None
    profile.unit = OrgNode.objects.get(pk=profile.unit_id)
    if isinstance(user, get_user_model()):
        profile.user = user
    return profile


def _insert(row):
    """Insert in a savepoint; ``None`` when a uniqueness rule says it is already there."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return None
    return row


def _publish(row):
    data = to_data(row)
    signals.ledger_entry_recorded.send(sender=LedgerEntry, entry=data)
    return data


def judge(profile, row):
    """
    Evaluate the year with the unsaved ``row`` added: (pack, status, the row's result).

    Raises ``ValidationError`` when the rules refuse the entry's shape; used before
    every insert and by forms to validate without writing.
    """
    try:
        pack, status = evaluate_year(profile, row.earned_on.year, extra=(engine_entry(row),))
    except rules.InputError as exc:
        raise ValidationError(_("The rules refuse this entry: %(error)s"), params={"error": exc},
                              code="rules_input") from None
    return pack, status, next(r for r in status.entries if r.id == str(row.uuid))


def preview_entry(user, *, source, earned_on, category=None, exam_passed=None, **quantities):
    """Validate an entry against the learner's rules without writing it (returns its result)."""
    profile = LearnerProfile.objects.select_related("unit", "user").filter(user=user).first()
    if profile is None:
        raise ValidationError(_("This user has no learner profile."), code="no_profile")
    row = LedgerEntry(uuid=uuid_module.uuid4(), user=user, source=source, category=category or "",
                      earned_on=earned_on, exam_passed=exam_passed, **quantities)
    return judge(profile, row)[2]


def record_entry(profile, *, source, earned_on, evidence_type, evidence_ref, category=None, course_key="",
                 reason="", entered_by=None, award_key=None, exam_passed=None, evidence_detail=None, **quantities):
    """
    Judge, insert and publish one entry for a locked ``profile``.

    Returns the ``LedgerEntryData`` or ``None`` when the same evidence (or the same
    course award) is already in the ledger.  Raises ``ValidationError`` when the engine
    refuses the entry's shape (e.g. a course without a category).
    """
    unknown = set(quantities) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown quantity fields: {', '.join(sorted(unknown))}")
    row = LedgerEntry(uuid=uuid_module.uuid4(), user=profile.user, source=source, category=category or "",
                      course_key=course_key or "", earned_on=earned_on, evidence_type=evidence_type,
                      evidence_ref=evidence_ref, award_key=award_key, reason=reason or "",
                      entered_by=entered_by, exam_passed=exam_passed, evidence_detail=evidence_detail or {},
                      **quantities)
    pack, status, result = judge(profile, row)
    row.academic_year = rules.academic_year_for(pack, earned_on)[0]
    row.policy_key = pack.key
    if result.counted:
        row.value_hours = result.hours
        row.value_credits = result.value if pack.unit == "credits" else None
    else:
        row.excluded_reason = result.reason or ""
    if _insert(row) is None:
        log.info("ledger: %s evidence %s already credited to user %s", evidence_type, evidence_ref, profile.user_id)
        return None
    data = _publish(row)
    store_status(profile, pack, status)
    return data


def course_awards(user, course_key):
    """The course's award rows (slots ``<course>#1``, ``#2``...) with their reversals, oldest first."""
    return list(LedgerEntry.objects.filter(user=user, award_key__startswith=f"{course_key}#")
                .select_related("reversal").order_by("id"))


def next_award_key(user, course_key, *, again=False):
    """
    The course's next award slot, or ``None`` when the course may not be awarded now
    (the award state machine of ADR 0018).

    The first award takes slot ``<course>#1``.  Once a slot is used, only ``again``
    (a certificate issued anew after Open edX revoked the old one) opens the next
    slot, and only when every earlier award is reversed and no reversal came from an
    administrator (cheating, Anhui Art. 13): that only an administrator's explicit
    reinstatement undoes (``reinstate_course_award``).  Repeated passing events,
    repeated certificate saves and grade recalculations never open a slot.
    """
    awards = course_awards(user, course_key)
    if not awards:
        return f"{course_key}#1"
    if not again:
        return None
    for award in awards:
        reversal = getattr(award, "reversal", None)
        if reversal is None or reversal.entered_by_id is not None:
            return None
    return f"{course_key}#{len(awards) + 1}"


def _quantity(spec):
    return {"hours": spec.hours} if spec.hours is not None else {"minutes": spec.lecture_minutes}


def award_course(user, spec, *, evidence_type, evidence_ref, earned_on=None, exam_passed=None,
                 evidence_detail=None, again=False):
    """
    Award a course's hours in the slot ``next_award_key`` allows (see ADR 0018).

    ``again`` is for a certificate issued anew after a revocation; every other
    moment awards only a course that was never awarded.  Later slots carry a
    suffixed evidence reference (``course#2``) so the registry sees a new record.
    """
    earned_on = earned_on or timezone.localdate()
    with transaction.atomic():
        profile = lock_profile(user)
        if profile is None or not profile.is_active_learner:
            log.info("course %s not awarded to user %s: no active learner profile", spec.course_key, user.pk)
            return None
        if spec.academic_years and earned_on.year not in spec.academic_years:
            log.info("course %s is not offered for %s; not awarded to user %s", spec.course_key, earned_on.year,
                     user.pk)
            return None
        award_key = next_award_key(user, spec.course_key, again=again)
        if award_key is None:
            return None
        generation = int(award_key.rsplit("#", 1)[1])
        ref = evidence_ref if generation == 1 else f"{evidence_ref}#{generation}"
        return record_entry(profile, source="online_course", category=spec.category, course_key=spec.course_key,
                            earned_on=earned_on, evidence_type=evidence_type, evidence_ref=ref,
                            award_key=award_key, exam_passed=exam_passed, evidence_detail=evidence_detail,
                            **_quantity(spec))


def reinstate_course_award(user, spec, *, by, reason, earned_on=None):
    """
    An administrator's explicit reinstatement of a course award that was reversed
    (by Open edX or by an administrator); audited, with a written reason.

    Raises ``PermissionDenied`` outside the administrator's subtree and
    ``ValidationError`` without a reason or when the course still counts (or was
    never awarded: there is nothing to reinstate).
    """
    if not (reason or "").strip():
        raise ValidationError(_("A reason is required to reinstate a course award."), code="reason")
    if by is None or not scope.can_administer_learner(by, user):
        raise PermissionDenied(_("This learner is outside the units you administer."))
    with transaction.atomic():
        profile = lock_profile(user)
        if profile is None:
            raise ValidationError(_("This user has no learner profile."), code="no_profile")
        awards = course_awards(user, spec.course_key)
        if not awards:
            raise ValidationError(_("This course was never awarded to the learner; there is nothing to reinstate."),
                                  code="never_awarded")
        if any(getattr(award, "reversal", None) is None for award in awards):
            raise ValidationError(_("The course's hours still count; there is nothing to reinstate."),
                                  code="still_counts")
        last = awards[-1]
        generation = len(awards) + 1
        data = record_entry(
            profile, source="online_course", category=spec.category, course_key=spec.course_key,
            earned_on=earned_on or last.earned_on, evidence_type=EvidenceType.ADMINISTRATOR,
            evidence_ref=f"{spec.course_key}#{generation}", award_key=f"{spec.course_key}#{generation}",
            reason=reason, entered_by=by, exam_passed=last.exam_passed,
            evidence_detail={"reinstates": str(last.uuid), "reversal": str(last.reversal.uuid)},
            **_quantity(spec))
        if data is not None:
            audit(by, "ledger.reinstate", target=LedgerEntry.objects.get(uuid=data.uuid), learner=user,
                  reason=reason, detail={"course_key": spec.course_key, "reinstates": str(last.uuid)})
        return data


def add_entry(user, *, source, entered_by, reason, earned_on, category=None, evidence_type=None,
              evidence_ref=None, course_key="", exam_passed=None, **quantities):
    """
    An administrator's entry (back-fill, offline training, self-study, lecturing, live
    class, adjustment) with a written reason; audited.  ``entered_by=None`` is a system
    import (the reason is still required).  Raises ``PermissionDenied`` outside the
    administrator's subtree and ``ValidationError`` for a missing reason or a shape the
    rules refuse; returns ``None`` when the evidence was already credited.
    """
    if not (reason or "").strip():
        raise ValidationError(_("A reason is required for every entry an administrator adds."), code="reason")
    _check_plausible(reason=reason, earned_on=earned_on, evidence_ref=evidence_ref, quantities=quantities)
    if entered_by is not None and not scope.can_administer_learner(entered_by, user):
        raise PermissionDenied(_("This learner is outside the units you administer."))
    evidence_type = evidence_type or (EvidenceType.ADMINISTRATOR if entered_by else EvidenceType.IMPORT)
    evidence_ref = evidence_ref or f"{evidence_type}:{uuid_module.uuid4()}"
    with transaction.atomic():
        profile = lock_profile(user)
        if profile is None:
            raise ValidationError(_("This user has no learner profile."), code="no_profile")
        if evidence_type == EvidenceType.UPLOAD and not learner_owns_document(user, evidence_ref):
            # Issue 10: citing another unit's document by its SHA-256 made it readable to the
            # citing unit; an "upload" entry without a document was accepted.  Only a
            # document uploaded for this learner may back their entry.
            raise ValidationError(_("An uploaded-document entry must cite a document uploaded for this learner."),
                                  code="evidence_not_owned")
        data = record_entry(profile, source=source, earned_on=earned_on, evidence_type=evidence_type,
                            evidence_ref=evidence_ref, category=category, course_key=course_key, reason=reason,
                            entered_by=entered_by, exam_passed=exam_passed, **quantities)
        if data is not None and entered_by is not None:
            audit(entered_by, "ledger.add", target=LedgerEntry.objects.get(uuid=data.uuid), learner=user,
                  reason=reason, detail={"source": source, "hours": str(data.hours), "credits": str(data.credits),
                                         "evidence_type": evidence_type, "evidence_ref": evidence_ref})
        return data


def _check_plausible(*, reason, earned_on, evidence_ref, quantities):
    """Refuse implausible dates, amounts and text before anything is locked or written (issue 13)."""
    errors = {}
    for name, value in (("reason", reason), ("evidence_ref", evidence_ref)):
        problem = plausible.text_problem(value)
        if problem:
            errors[name] = [problem]
    if hasattr(earned_on, "year"):
        problem = plausible.date_problem(earned_on)
        if problem:
            errors["earned_on"] = [problem]
    for name, value in quantities.items():
        if isinstance(value, Decimal) and value.is_finite():
            problem = plausible.amount_problem(value)
            if problem:
                errors[name] = [problem]
    if errors:
        raise ValidationError(errors)


def revoke(entry_uuid, *, by, reason):
    """
    Reverse one entry with a written reason (cheating found, certificate revoked, an
    error).  The reversal is a new row with negated counted values in the original's
    year; revoking twice returns the existing reversal.  ``by=None`` is the system.
    """
    if not (reason or "").strip():
        raise ValidationError(_("A reason is required to revoke an entry."), code="reason")
    with transaction.atomic():
        original = LedgerEntry.objects.select_related("user").filter(uuid=entry_uuid).first()
        if original is None:
            raise LedgerEntry.DoesNotExist(entry_uuid)
        if by is not None and not scope.can_administer_learner(by, original.user):
            raise PermissionDenied(_("This learner is outside the units you administer."))
        if original.is_reversal:
            raise ValidationError(_("A reversal cannot itself be revoked; add a new entry instead."),
                                  code="reverse_reversal")
        profile = lock_profile(original.user)
        existing = LedgerEntry.objects.filter(reverses=original).first()
        if existing is not None:
            return to_data(existing)
        pack = status = None
        if profile is not None:
            pack, status = evaluate_year(profile, original.earned_on.year, exclude_uuids=(original.uuid,))
        row = LedgerEntry(
            user=original.user, source=original.source, category=original.category, course_key=original.course_key,
            value_hours=-original.value_hours if original.value_hours is not None else None,
            value_credits=-original.value_credits if original.value_credits is not None else None,
            earned_on=original.earned_on, academic_year=original.academic_year,
            excluded_reason=original.excluded_reason,
            policy_key=pack.key if pack else original.policy_key,
            evidence_type=EvidenceType.REVERSAL, evidence_ref=str(original.uuid), reason=reason,
            entered_by=by, reverses=original)
        if _insert(row) is None:
            return to_data(LedgerEntry.objects.get(reverses=original))
        data = _publish(row)
        if profile is not None:
            store_status(profile, pack, status)
        if by is not None:
            audit(by, "ledger.revoke", target=original, learner=original.user, reason=reason,
                  detail={"reversal": data.uuid})
        log.info("ledger: entry %s of user %s reversed by %s", original.uuid, original.user_id, by.pk if by else "system")
        return data


def effective_course_awards(user, course_key):
    """UUIDs of a course's award entries that still count (normally zero or one)."""
    return [str(u) for u in LedgerEntry.objects.effective()
            .filter(user=user, award_key__startswith=f"{course_key}#").values_list("uuid", flat=True)]
