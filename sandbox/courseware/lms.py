"""
What the LMS does around the plugins, at the moments it does it.

* Enrolment: ``CourseEnrollmentStarted.run_filter`` (openedx-filters) before the row is
  written, then ``COURSE_ENROLLMENT_CREATED``.
* Progress: a block publishes ``completion`` or ``grade``; when every graded block of the
  course is complete (scored blocks at :data:`PASSING_GRADE` or better) the course is
  passed and ``COURSE_PASSING_STATUS_UPDATED`` is sent (the LMS sends it when the
  persistent course grade flips).
* Certificates: on passing, the LMS generates a certificate.  It first runs
  ``CertificateCreationRequested.run_filter``; a step may refuse with
  ``PreventCertificateCreation`` (the policy plugin does while verified learning time is
  short).  A created certificate sends ``CERTIFICATE_CREATED``.

All events and filters are the real openedx-events / openedx-filters classes with their
real data classes; which pipeline steps run is ``OPEN_EDX_FILTERS_CONFIG``.
"""
import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.data import (
    CertificateData,
    CourseData,
    CourseEnrollmentData,
    CoursePassingStatusData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import (
    CERTIFICATE_CREATED,
    COURSE_ENROLLMENT_CREATED,
    COURSE_PASSING_STATUS_UPDATED,
)
from openedx_filters.learning.filters import CertificateCreationRequested, CourseEnrollmentStarted

from sandbox.courseware.models import (
    BlockCompletion,
    Course,
    CourseBlock,
    CourseEnrollment,
    CoursePassingStatus,
    GeneratedCertificate,
)

log = logging.getLogger(__name__)

#: A scored block counts as passed at this fraction (the LMS's default grade cutoff).
PASSING_GRADE = 0.6
#: The enrolment mode the sandbox uses; certificates are issued in ``honor`` mode.
ENROLLMENT_MODE = "honor"


def user_data(user):
    """``UserData`` as the LMS builds it (personal data kept in ``pii``)."""
    return UserData(
        id=user.id,
        is_active=user.is_active,
        pii=UserPersonalData(
            username=user.get_username(),
            email=user.email or "",
            name=user.get_full_name() or user.get_username(),
        ),
    )


def course_data(course):
    """``CourseData`` for a sandbox course."""
    return CourseData(course_key=CourseKey.from_string(course.course_key), display_name=course.display_name)


def is_enrolled(user, course):
    """True when ``user`` holds an active enrolment in ``course``."""
    return CourseEnrollment.objects.filter(user=user, course=course, is_active=True).exists()


def enroll(user, course, mode=ENROLLMENT_MODE):
    """
    Enrol ``user``, or return the refusal message of a ``CourseEnrollmentStarted`` step.

    Returns ``(enrollment, None)`` or ``(None, message)``.
    """
    existing = CourseEnrollment.objects.filter(user=user, course=course, is_active=True).first()
    if existing:
        return existing, None
    try:
        user, course_key, mode = CourseEnrollmentStarted.run_filter(
            user=user, course_key=CourseKey.from_string(course.course_key), mode=mode
        )
    except CourseEnrollmentStarted.PreventEnrollment as exc:
        log.info("Enrolment of user %s in %s refused by a filter step", user.id, course.course_key)
        return None, str(exc)
    with transaction.atomic():
        enrollment, _ = CourseEnrollment.objects.update_or_create(
            user=user, course=course, defaults={"mode": mode, "is_active": True}
        )
    COURSE_ENROLLMENT_CREATED.send_event(
        enrollment=CourseEnrollmentData(
            user=user_data(user),
            course=course_data(course),
            mode=enrollment.mode,
            is_active=True,
            creation_date=enrollment.created,
        )
    )
    return enrollment, None


def record_block_progress(user, usage_key, completion=None, grade=None):
    """
    Store what a block published and apply the course-level consequences.

    ``grade`` is ``(value, max_value)`` from a ``grade`` event.
    """
    block = CourseBlock.objects.select_related("course").filter(usage_key=str(usage_key)).first()
    if block is None:
        log.warning("Progress for unknown block %s ignored", usage_key)
        return
    progress, _ = BlockCompletion.objects.get_or_create(user=user, block=block)
    if completion is not None:
        progress.completion = max(progress.completion, float(completion))
    if grade is not None:
        value, max_value = grade
        if max_value:
            progress.grade = float(Decimal(str(value)) / Decimal(str(max_value)))
    progress.save()
    update_course_passing(user, block.course)


def course_progress(user, course):
    """``{usage_key: (completion, grade)}`` for the course's blocks."""
    rows = BlockCompletion.objects.filter(user=user, block__course=course).select_related("block")
    return {row.block.usage_key: (row.completion, row.grade) for row in rows}


def _block_passed(block, progress):
    completion, grade = progress.get(block.usage_key, (0.0, None))
    if grade is not None:
        return grade >= PASSING_GRADE
    return completion >= 1.0


def compute_passing(user, course):
    """A course is passed when every graded block is complete (scored ones at the cutoff)."""
    blocks = list(course.blocks.filter(graded=True))
    if not blocks:
        return False
    progress = course_progress(user, course)
    return all(_block_passed(block, progress) for block in blocks)


def course_grade(user, course):
    """The learner's course grade as a fraction: share of graded blocks passed."""
    blocks = list(course.blocks.filter(graded=True))
    if not blocks:
        return 0.0
    progress = course_progress(user, course)
    return sum(1 for block in blocks if _block_passed(block, progress)) / len(blocks)


def update_course_passing(user, course):
    """Send ``COURSE_PASSING_STATUS_UPDATED`` when the passing flag changes; certify on pass."""
    is_passing = compute_passing(user, course)
    status, created = CoursePassingStatus.objects.get_or_create(
        user=user, course=course, defaults={"is_passing": is_passing}
    )
    changed = created or status.is_passing != is_passing
    if changed and not created:
        status.is_passing = is_passing
        status.save(update_fields=["is_passing", "modified"])
    if changed and (is_passing or not created):
        COURSE_PASSING_STATUS_UPDATED.send_event(
            course_passing_status=CoursePassingStatusData(
                is_passing=is_passing, user=user_data(user), course=course_data(course)
            )
        )
    if is_passing:
        request_certificate(user, course, generation_mode="batch")
    return is_passing


def request_certificate(user, course, generation_mode="self"):
    """
    Generate the course certificate the LMS way: filter first, then create and announce.

    Returns ``(certificate or None, refusal message or None)``.  Idempotent: a learner
    who holds a downloadable certificate gets it back without a second event.
    """
    existing = GeneratedCertificate.objects.filter(user=user, course=course).first()
    if existing and existing.status == GeneratedCertificate.STATUS_DOWNLOADABLE:
        return existing, None
    if not compute_passing(user, course):
        return None, None
    grade = course_grade(user, course)
    mode = ENROLLMENT_MODE
    try:
        user, course_key, mode, status, grade, generation_mode = CertificateCreationRequested.run_filter(
            user=user,
            course_key=CourseKey.from_string(course.course_key),
            mode=mode,
            status=GeneratedCertificate.STATUS_DOWNLOADABLE,
            grade=grade,
            generation_mode=generation_mode,
        )
    except CertificateCreationRequested.PreventCertificateCreation as exc:
        message = str(exc)
        GeneratedCertificate.objects.update_or_create(
            user=user,
            course=course,
            defaults={"status": GeneratedCertificate.STATUS_NOTPASSING, "refused_message": message},
        )
        log.info("Certificate for user %s in %s refused by a filter step", user.id, course.course_key)
        return None, message
    with transaction.atomic():
        certificate, _ = GeneratedCertificate.objects.update_or_create(
            user=user,
            course=course,
            defaults={
                "status": status or GeneratedCertificate.STATUS_DOWNLOADABLE,
                "mode": mode,
                "grade": f"{grade:.2f}",
                "refused_message": "",
            },
        )
        # The LMS sends the event from GeneratedCertificate.save(), inside the saving
        # transaction: the plugin's ledger entry commits (or not) with the certificate.
        CERTIFICATE_CREATED.send_event(
            time=timezone.now(),
            certificate=CertificateData(
                user=user_data(user),
                course=course_data(course),
                mode=certificate.mode,
                grade=certificate.grade,
                current_status=certificate.status,
                download_url="",
                name=user.get_full_name() or user.get_username(),
            ),
        )
    return certificate, None


def course_for_key(course_id):
    """The sandbox course for a ``course-v1:`` string, or None."""
    return Course.objects.filter(course_key=course_id).first()
