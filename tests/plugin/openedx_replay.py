"""
Replays of the openedx-events that edx-platform sends, in the order it sends them.

Each method mirrors one edx-platform code path and sends the real signals with the
real data classes (nothing of ours is called directly):

* ``grade_update`` — ``CourseGradeFactory._update`` sends COURSE_GRADE_NOW_PASSED /
  _FAILED on *every* recalculation, whose receiver in ``lms/djangoapps/grades``
  emits ``COURSE_PASSING_STATUS_UPDATED(is_passing=...)``, or, for a ``ccx-v1`` key,
  ``CCX_COURSE_PASSING_STATUS_UPDATED`` with ``CcxCourseData(ccx_course_key,
  master_course_key=ccx.to_course_locator())``.
* ``certificate_saved`` — ``GeneratedCertificate.save()`` sends CERTIFICATE_CHANGED on
  every save and, when the status is passing (``downloadable``), CERTIFICATE_CREATED.
* ``certificate_revoked`` — ``GeneratedCertificate._revoke_certificate()`` (invalidate,
  mark_notpassing, mark_unverified) saves the new status (CERTIFICATE_CHANGED only:
  the status is not passing) and then sends CERTIFICATE_REVOKED.
"""
from datetime import UTC, datetime

from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.data import (
    CcxCourseData,
    CcxCoursePassingStatusData,
    CertificateData,
    CourseData,
    CoursePassingStatusData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import (
    CCX_COURSE_PASSING_STATUS_UPDATED,
    CERTIFICATE_CHANGED,
    CERTIFICATE_CREATED,
    CERTIFICATE_REVOKED,
    COURSE_PASSING_STATUS_UPDATED,
)


def user_data(user):
    return UserData(id=user.pk, is_active=user.is_active,
                    pii=UserPersonalData(username=user.username, email=user.email, name=user.get_full_name()))


class OpenEdx:
    """One learner in one course run, as edx-platform's grades and certificates apps see it."""

    def __init__(self, user, course_key, *, mode="honor"):
        self.user = user
        self.course_key = CourseKey.from_string(str(course_key))
        self.mode = mode
        self.status = None
        self.grade = ""

    def grade_update(self, is_passing=True):
        """One grade recalculation (a problem submitted, a rescore, a policy change...)."""
        user = user_data(self.user)
        if getattr(self.course_key, "ccx", None):
            CCX_COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=CcxCoursePassingStatusData(
                is_passing=is_passing, user=user,
                course=CcxCourseData(ccx_course_key=self.course_key,
                                     master_course_key=self.course_key.to_course_locator())))
        else:
            COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=CoursePassingStatusData(
                is_passing=is_passing, user=user, course=CourseData(course_key=self.course_key)))

    def _certificate(self):
        return CertificateData(user=user_data(self.user), course=CourseData(course_key=self.course_key),
                               mode=self.mode, grade=self.grade, download_url="", name=self.user.get_full_name(),
                               current_status=self.status)

    def certificate_saved(self, status="downloadable", grade="0.92"):
        """``GeneratedCertificate.save()`` with ``status`` (generation, regeneration, any later save)."""
        self.status, self.grade = status, grade
        CERTIFICATE_CHANGED.send_event(time=datetime.now(UTC), certificate=self._certificate())
        if status == "downloadable":
            CERTIFICATE_CREATED.send_event(time=datetime.now(UTC), certificate=self._certificate())

    def certificate_revoked(self, status="notpassing"):
        """``_revoke_certificate(status)``: save (CHANGED only), then CERTIFICATE_REVOKED."""
        self.status, self.grade = status, ""
        CERTIFICATE_CHANGED.send_event(time=datetime.now(UTC), certificate=self._certificate())
        CERTIFICATE_REVOKED.send_event(time=datetime.now(UTC), certificate=self._certificate())
