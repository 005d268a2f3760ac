"""
The course award state machine (docs/decisions/0018-award-state-machine.rst).

Open edX repeats itself: ``COURSE_PASSING_STATUS_UPDATED(is_passing=True)`` comes on
every grade update while a learner passes, ``CERTIFICATE_CREATED`` on every save of a
passing certificate.  Whether a moment awards, reverses or does nothing is decided
here, from two records: the course's award slots in the ledger and the learner's
``CourseCertificate`` row (the last certificate status seen, and whether Open edX
revoked it).

=====================================  ==============================================
moment                                 effect
=====================================  ==============================================
every credit block verified (+ the     awards slot #1 (``block_sessions``, with the
exam pass where the pack needs it)     session ids), if the course has credit blocks,
                                       was never awarded and its certificate is not
                                       revoked
certificate created                    awards slot #1 (``certificate``) if never
                                       awarded; after a revocation it is a *new*
                                       certificate and awards the next slot, unless an
                                       administrator reversed an award
certificate revoked                    reverses what counts; the revocation sticks
administrator revokes an entry         reverses it; only a reinstatement undoes it
administrator reinstates               awards the next slot (``administrator``)
passing again, certificate saved       nothing
again, grade recalculated
=====================================  ==============================================

Every path first locks the learner's profile row (as every ledger write does, ADR
0012), then reads or writes the ``CourseCertificate`` row, so a revocation and an
award for the same learner never interleave and two first events never race to
insert the same row.
"""
import logging

from django.db import transaction
from django.utils import timezone

from cadre_policy_plugin.models import BlockVerification, CourseCertificate, CoursePassing, CreditBlock, EvidenceType
from cadre_policy_plugin.services import ledger

log = logging.getLogger(__name__)

#: the reason written on a reversal caused by Open edX (the status is appended)
REVOKED_REASON = "certificate revoked in Open edX ({status})"


def lock_certificate(user, course_key):
    """
    The learner's certificate state in the course, under the learner's profile lock
    (call inside a transaction).  Without a profile nothing can be awarded anyway;
    ``get_or_create`` then settles a concurrent insert by reading the winner's row.
    """
    ledger.lock_profile(user)
    row, _created = CourseCertificate.objects.get_or_create(user=user, course_key=course_key)
    return row


def revoked(user, course_key):
    """Open edX holds the certificate revoked (read under the learner's profile lock)."""
    ledger.lock_profile(user)
    return CourseCertificate.objects.filter(user=user, course_key=course_key, revoked=True).exists()


def block_evidence(user, course_key):
    """What the verified blocks say: each block's usage key, seconds and session ids."""
    rows = BlockVerification.objects.filter(user=user, course_key=course_key).order_by("usage_key")
    return [{"usage_key": row.usage_key, "verified_seconds": row.verified_seconds,
             "session_ids": [str(s) for s in row.session_ids or []], "verified_at": row.verified_at.isoformat()}
            for row in rows]


def _exam_detail(user, course_key):
    passing = CoursePassing.objects.filter(user=user, course_key=course_key, first_passed_at__isnull=False).first()
    return {"first_passed_at": passing.first_passed_at.isoformat()} if passing else {}


def has_credit_blocks(course_key):
    return CreditBlock.objects.filter(course_key=course_key).exists()


def award_from_blocks(user, spec, *, passed, exam_needed, earned_on):
    """
    Award slot #1 from verified blocks (the caller checked every block is verified).

    Never for a course without credit blocks (its hours rest on the certificate),
    never while Open edX holds the certificate revoked, never a second time.
    """
    if not has_credit_blocks(spec.course_key):
        return None
    with transaction.atomic():
        if revoked(user, spec.course_key):
            log.info("course %s: certificate of user %s revoked; verified blocks do not award", spec.course_key,
                     user.pk)
            return None
        if not passed and exam_needed:
            log.info("course %s verified for user %s; waiting for the exam pass", spec.course_key, user.pk)
            return None
        detail = {"blocks": block_evidence(user, spec.course_key)}
        if passed:
            detail["exam"] = _exam_detail(user, spec.course_key)
        return ledger.award_course(user, spec, evidence_type=EvidenceType.BLOCK_SESSIONS,
                                   evidence_ref=spec.course_key, exam_passed=passed or None,
                                   earned_on=earned_on, evidence_detail=detail)


def certificate_created(user, spec, *, status, mode, verification_complete):
    """
    ``CERTIFICATE_CREATED``: the first certificate awards a course never awarded; one
    that arrives after a revocation is a new certificate and may award the next slot;
    any other is a repeated save and does nothing.  ``verification_complete`` is
    ``None`` when the certificate does not wait for verified time, else whether it is.
    """
    with transaction.atomic():
        certificate = lock_certificate(user, spec.course_key)
        new = certificate.revoked or certificate.issues == 0
        if new:
            certificate.issues += 1
        certificate.revoked = False
        certificate.status = status or ""
        certificate.save()
        if verification_complete is False:
            log.info("certificate of user %s in %s: verified learning time incomplete, no hours", user.pk,
                     spec.course_key)
            return None
        detail = {"certificate_status": status, "mode": mode, "issue": certificate.issues}
        blocks = block_evidence(user, spec.course_key)
        if blocks:
            detail["blocks"] = blocks
        return ledger.award_course(user, spec, evidence_type=EvidenceType.CERTIFICATE, evidence_ref=spec.course_key,
                                   exam_passed=True, evidence_detail=detail,
                                   again=new and certificate.issues > 1)


def certificate_revoked(user, course_key, *, status):
    """``CERTIFICATE_REVOKED``: reverse what counts and remember the revocation (repeats are no-ops)."""
    reversals = []
    with transaction.atomic():
        certificate = lock_certificate(user, course_key)
        if not certificate.revoked:
            certificate.revocations += 1
        certificate.revoked = True
        certificate.status = status or ""
        certificate.save()
        for entry_uuid in ledger.effective_course_awards(user, course_key):
            reversals.append(ledger.revoke(entry_uuid, by=None, reason=REVOKED_REASON.format(status=status)))
    return reversals


def earned_on(user, course_key, passed):
    """
    The day the course was completed: its last block verified or, where the exam
    counts, the first pass if that came later.  A late report (a catch-up run) thus
    files the hours under the day they were earned, not the day they were reported.
    """
    moments = list(BlockVerification.objects.filter(user=user, course_key=course_key)
                   .values_list("verified_at", flat=True))
    if passed:
        moments += [moment for moment in CoursePassing.objects.filter(user=user, course_key=course_key)
                    .values_list("first_passed_at", flat=True) if moment]
    if not moments:
        return None
    return timezone.localdate(max(moments))
