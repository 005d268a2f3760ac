"""
Course credit specs, credit blocks, verified learning time and exam passes.

The XBlock registers each credit block of a course and reports each block a learner
completed with server-verified time; once every registered block is verified (and the
exam is passed where the spec demands it) the course's hours are awarded.  Exam passes
arrive from Open edX (COURSE_PASSING_STATUS_UPDATED); a pass may complete an award
that was waiting for it, and earns the Loudi exam bonus where the spec has one.  What
may award when is the state machine in ``services/awards.py`` (ADR 0018).

Keys: a CCX course (``ccx-v1:``) counts as its master course and a CCX block as the
master's block (a CCX is a coach's run of the master's content; ADR 0018), so every
look-up here maps them first.  Content-library keys (``lib:``) are no course: they
raise ``InvalidKeyError`` like any other non-course key.
"""
import logging

from django.db import transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey, UsageKey

from cadre_policy_plugin.models import (
    BlockVerification,
    CourseCreditSpec,
    CoursePassing,
    CreditBlock,
    EvidenceType,
    LearnerProfile,
    LedgerEntry,
)
from cadre_policy_plugin.policy import pack_for_profile
from cadre_policy_plugin.services import awards, ledger
from cadre_policy_plugin.services.audit import audit

log = logging.getLogger(__name__)


def normalize_course_key(course_key):
    """
    A CourseKey or string to its canonical string (raises InvalidKeyError); a CCX
    course is its master course.
    """
    key = course_key if isinstance(course_key, CourseKey) else CourseKey.from_string(str(course_key))
    if getattr(key, "ccx", None) and hasattr(key, "to_course_locator"):
        key = key.to_course_locator()
    return str(key)


def normalize_usage_key(usage_key):
    """A UsageKey or string to its canonical string; a CCX block is its master course's block."""
    key = usage_key if isinstance(usage_key, UsageKey) else UsageKey.from_string(str(usage_key))
    if hasattr(key, "to_block_locator"):
        key = key.to_block_locator()
    return str(key)


def get_spec(course_key):
    return CourseCreditSpec.objects.filter(course_key=normalize_course_key(course_key)).first()


def set_spec(course_key, *, changed_by=None, **values):
    """Create or replace a course's spec (validated like the admin form); audited."""
    key = normalize_course_key(course_key)
    with transaction.atomic():
        spec = CourseCreditSpec.objects.select_for_update().filter(course_key=key).first() or \
            CourseCreditSpec(course_key=key)
        for name, value in values.items():
            setattr(spec, name, value)
        spec.academic_years = list(spec.academic_years or [])
        spec.changed_by = changed_by
        spec.full_clean()
        spec.save()
        if changed_by is not None:
            audit(changed_by, "course_spec.set", target=spec,
                  detail={k: str(v) if v is not None else None for k, v in values.items()})
    return spec


def register_block(course_key, usage_key, required_seconds):
    """Register (or update the required time of) a credit block; idempotent."""
    course = normalize_course_key(course_key)
    usage = normalize_usage_key(usage_key)
    block, created = CreditBlock.objects.get_or_create(
        usage_key=usage, defaults={"course_key": course, "required_seconds": int(required_seconds)})
    if not created and (block.required_seconds != int(required_seconds) or block.course_key != course):
        block.required_seconds = int(required_seconds)
        block.course_key = course
        block.save(update_fields=["required_seconds", "course_key"])
    return block


def verified_seconds(user, course_key):
    """Server-verified seconds over the course's verified blocks."""
    rows = BlockVerification.objects.filter(user=user, course_key=normalize_course_key(course_key))
    return sum(rows.values_list("verified_seconds", flat=True))


def required_seconds(course_key):
    return sum(CreditBlock.objects.filter(course_key=normalize_course_key(course_key))
               .values_list("required_seconds", flat=True))


def verification_complete(user, course_key):
    """
    Every registered credit block of the course verified for ``user``.

    A course with no registered credit blocks has nothing to verify and counts as
    complete (its hours then rest on the Open edX certificate alone; docs/plugin.md).
    """
    key = normalize_course_key(course_key)
    needed = set(CreditBlock.objects.filter(course_key=key).values_list("usage_key", flat=True))
    if not needed:
        return True
    done = set(BlockVerification.objects.filter(user=user, course_key=key, usage_key__in=needed)
               .values_list("usage_key", flat=True))
    return needed <= done


def has_passed_exam(user, course_key):
    return CoursePassing.objects.filter(user=user, course_key=normalize_course_key(course_key),
                                        first_passed_at__isnull=False).exists()


def exam_needed(user, spec):
    """
    The spec demands an exam pass, or the learner's pack does for this category (Anhui
    Art. 10: required hours need the exam).  Awarding before the pass would write an
    entry the engine never counts and use up the course's award slot.
    """
    if spec.exam_required:
        return True
    profile = LearnerProfile.objects.select_related("unit").filter(user=user).first()
    if profile is None:
        return False
    rule = pack_for_profile(profile).sources.get("online_course")
    return bool(rule and rule.exam_required and spec.category == "required")


def try_award_from_blocks(user, spec):
    """
    Award the course once every block is verified and, where needed, the exam
    passed; ``None`` otherwise (and always for a course without credit blocks,
    whose hours rest on the certificate alone: ADR 0018).
    """
    if not verification_complete(user, spec.course_key):
        return None
    passed = has_passed_exam(user, spec.course_key)
    return awards.award_from_blocks(user, spec, passed=passed, exam_needed=not passed and exam_needed(user, spec),
                                    earned_on=awards.earned_on(user, spec.course_key, passed))


def report_verified(user, course_key, usage_key, *, verified_seconds, session_ids, verified_at=None):
    """Record one verified block (idempotent) and award the course when it is complete."""
    course = normalize_course_key(course_key)
    usage = normalize_usage_key(usage_key)
    with transaction.atomic():
        BlockVerification.objects.get_or_create(
            user=user, usage_key=usage,
            defaults={"course_key": course, "verified_seconds": int(verified_seconds),
                      "session_ids": [str(s) for s in session_ids],
                      "verified_at": verified_at or timezone.now()})
        spec = get_spec(course)
        if spec is None:
            return None
        return try_award_from_blocks(user, spec)


def record_passing(user, course_key, is_passing):
    """
    Keep the latest passing status; a first pass may complete a waiting award and
    earns the exam bonus credits the spec sets (Loudi Art. 10).  Returns the ledger
    entries written: none for the repeats Open edX sends on every grade update.
    """
    course = normalize_course_key(course_key)
    written = []
    with transaction.atomic():
        row, _created = CoursePassing.objects.select_for_update().get_or_create(user=user, course_key=course)
        row.is_passing = bool(is_passing)
        if is_passing and row.first_passed_at is None:
            row.first_passed_at = timezone.now()
        row.save()
        spec = get_spec(course)
        if not (is_passing and spec):
            return written
        if spec.exam_bonus_credits:
            written.append(_exam_bonus(user, spec, row.first_passed_at))
        written.append(try_award_from_blocks(user, spec))
    return [entry for entry in written if entry is not None]


def certificate_created(user, course_key, *, status, mode, requires_verified_time):
    """A passing certificate was saved in Open edX (see ``awards.certificate_created``)."""
    spec = get_spec(course_key)
    if spec is None:
        return None
    complete = verification_complete(user, spec.course_key) if requires_verified_time else None
    return awards.certificate_created(user, spec, status=status, mode=mode, verification_complete=complete)


def certificate_revoked(user, course_key, *, status):
    """
    Open edX revoked the certificate (see ``awards.certificate_revoked``).  Ignored
    for a course that is neither a cadre course nor ever awarded; a course whose spec
    was removed still has its awards reversed.
    """
    key = normalize_course_key(course_key)
    if get_spec(key) is None and not ledger.course_awards(user, key):
        return []
    return awards.certificate_revoked(user, key, status=status)


def _exam_bonus(user, spec, first_passed_at):
    """The Loudi exam bonus, once per course (the evidence constraint stops repeats)."""
    profile = ledger.lock_profile(user)
    if profile is None or not profile.is_active_learner:
        return None
    if LedgerEntry.objects.filter(user=user, evidence_type=EvidenceType.EXAM, evidence_ref=spec.course_key).exists():
        return None
    return ledger.record_entry(profile, source="exam_bonus", earned_on=timezone.localdate(first_passed_at),
                               evidence_type=EvidenceType.EXAM, evidence_ref=spec.course_key,
                               course_key=spec.course_key, credits=spec.exam_bonus_credits, exam_passed=True,
                               evidence_detail={"first_passed_at": first_passed_at.isoformat()})
