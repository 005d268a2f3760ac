"""
Open edX event receivers (openedx-events): certificates and exam passes.

Thin on purpose: guard clauses, then one api call.  The work they start is a few
indexed queries and one ledger row in one transaction, so it runs in the request
rather than in Celery (a queued task would have to re-read the same rows and would
open a window in which the certificate exists but the hours do not).

``apps.py`` lists these receivers for the plugin framework (edx-platform connects
them); the ``@receiver`` decorators connect them in any Django project that installs
the app directly (the test host, the sandbox).  Both use the same ``dispatch_uid``,
so a receiver is never connected twice.
"""
import logging

from django.contrib.auth import get_user_model
from django.dispatch import receiver
from openedx_events.learning.signals import (
    CCX_COURSE_PASSING_STATUS_UPDATED,
    CERTIFICATE_CREATED,
    CERTIFICATE_REVOKED,
    COURSE_PASSING_STATUS_UPDATED,
)

from cadre_policy_plugin import api
from cadre_policy_plugin.conf import cadre_setting
from cadre_policy_plugin.services import courses

log = logging.getLogger(__name__)

DISPATCH_UIDS = {
    "award_hours_on_certificate": "cadre_policy.award_hours_on_certificate",
    "reverse_hours_on_certificate_revoked": "cadre_policy.reverse_hours_on_certificate_revoked",
    "record_course_passing": "cadre_policy.record_course_passing",
    "record_ccx_course_passing": "cadre_policy.record_ccx_course_passing",
}


def _user(user_data):
    return get_user_model().objects.filter(pk=user_data.id).first()


@receiver(CERTIFICATE_CREATED, dispatch_uid=DISPATCH_UIDS["award_hours_on_certificate"])
def award_hours_on_certificate(sender, certificate, **kwargs):
    """
    A passing certificate awards the course's hours once (ADR 0018).

    Open edX sends CERTIFICATE_CREATED on every save of a passing certificate; only
    the first one, or the first after a revocation (a certificate issued anew), can
    award.  A CCX certificate counts as its master course's.
    """
    if not cadre_setting("AWARD_ON_CERTIFICATE"):
        return
    course_key = courses.normalize_course_key(certificate.course.course_key)
    if api.get_course_credit_spec(course_key) is None:
        return
    user = _user(certificate.user)
    if user is None:
        log.warning("CERTIFICATE_CREATED for unknown user %s in %s", certificate.user.id, course_key)
        return
    courses.certificate_created(user, course_key, status=certificate.current_status, mode=certificate.mode,
                                requires_verified_time=cadre_setting("CERTIFICATE_AWARD_REQUIRES_VERIFIED_TIME"))


@receiver(CERTIFICATE_REVOKED, dispatch_uid=DISPATCH_UIDS["reverse_hours_on_certificate_revoked"])
def reverse_hours_on_certificate_revoked(sender, certificate, **kwargs):
    """A revoked certificate reverses the course's hours (whatever evidence awarded them); it sticks."""
    if not cadre_setting("REVERSE_ON_CERTIFICATE_REVOKED"):
        return
    course_key = courses.normalize_course_key(certificate.course.course_key)
    user = _user(certificate.user)
    if user is None:
        return
    courses.certificate_revoked(user, course_key, status=certificate.current_status)


def _record_passing(course_key, course_passing_status):
    if not cadre_setting("RECORD_COURSE_PASSING"):
        return
    course_key = courses.normalize_course_key(course_key)
    if api.get_course_credit_spec(course_key) is None:
        return
    user = _user(course_passing_status.user)
    if user is None:
        return
    courses.record_passing(user, course_key, course_passing_status.is_passing)


@receiver(COURSE_PASSING_STATUS_UPDATED, dispatch_uid=DISPATCH_UIDS["record_course_passing"])
def record_course_passing(sender, course_passing_status, **kwargs):
    """
    Keep the exam pass that required hours and exam bonus credits depend on.

    Sent on every grade update (passing or failing), not only on a change: the state
    machine makes the repeats harmless.
    """
    _record_passing(course_passing_status.course.course_key, course_passing_status)


@receiver(CCX_COURSE_PASSING_STATUS_UPDATED, dispatch_uid=DISPATCH_UIDS["record_ccx_course_passing"])
def record_ccx_course_passing(sender, course_passing_status, **kwargs):
    """A CCX course's passing status counts as its master course's (ADR 0018)."""
    _record_passing(course_passing_status.course.master_course_key, course_passing_status)
