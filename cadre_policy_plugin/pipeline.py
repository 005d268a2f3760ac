"""
openedx-filters pipeline steps: the certificate gate and the enrollment gate.

One job per step; each returns the kwargs unchanged or raises the filter's own
exception with a message the learner can act on.  Both steps act only on cadre
courses (those with a ``CourseCreditSpec``) and can be switched off in
``CADRE_POLICY`` (``CERTIFICATE_GATE``, ``ENROLLMENT_GATE``) without touching
``OPEN_EDX_FILTERS_CONFIG``.
"""
import logging
import math

from django.utils.translation import gettext as _
from openedx_filters import PipelineStep
from openedx_filters.learning.filters import CertificateCreationRequested, CourseEnrollmentStarted

from cadre_policy_plugin import api
from cadre_policy_plugin.conf import cadre_setting
from cadre_policy_plugin.services import courses

log = logging.getLogger(__name__)



def _exempt(user):
    """Platform staff build and test courses; the real-name rule is about learners."""
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))


class RequireVerifiedLearningTime(PipelineStep):
    """
    CertificateCreationRequested: no course certificate for a cadre course while the
    learner has no approved real-name profile or the server has not verified every
    credit block of the course (the browser never decides learning time).
    """

    def run_filter(self, user, course_key, mode, status, grade, generation_mode):
        kwargs = {"user": user, "course_key": course_key, "mode": mode, "status": status, "grade": grade,
                  "generation_mode": generation_mode}
        if not cadre_setting("CERTIFICATE_GATE") or api.get_course_credit_spec(course_key) is None:
            return kwargs
        if not api.has_active_profile(user):
            log.info("certificate refused for user %s in %s: no approved profile", user.pk, course_key)
            raise CertificateCreationRequested.PreventCertificateCreation(
                _("Your real-name learner profile is missing or not yet approved. Ask your unit's training "
                  "administrator to approve it; the certificate is issued once it is approved."))
        if not api.course_verification_complete(user, course_key):
            have = math.floor(api.verified_seconds_for_course(user, course_key) / 60)
            need = math.ceil(courses.required_seconds(course_key) / 60)
            log.info("certificate refused for user %s in %s: verified learning time incomplete", user.pk, course_key)
            raise CertificateCreationRequested.PreventCertificateCreation(
                _("Your verified learning time for this course is not complete yet (%(have)s of %(need)s minutes). "
                  "Finish every lesson at normal speed with the page in view; the certificate is issued when all "
                  "lessons are verified.") % {"have": have, "need": need})
        return kwargs


class RequireApprovedProfile(PipelineStep):
    """CourseEnrollmentStarted: cadre courses are for learners with an active, approved profile."""

    def run_filter(self, user, course_key, mode):
        kwargs = {"user": user, "course_key": course_key, "mode": mode}
        if not cadre_setting("ENROLLMENT_GATE") or _exempt(user) or api.get_course_credit_spec(course_key) is None:
            return kwargs
        if not api.has_active_profile(user):
            log.info("enrollment refused for user %s in %s: no active approved profile", user.pk, course_key)
            raise CourseEnrollmentStarted.PreventEnrollment(
                _("This course is part of cadre online training and needs an approved real-name learner profile. "
                  "Ask your unit's training administrator to register and approve you, then enroll again."))
        return kwargs

