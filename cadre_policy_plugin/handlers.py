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
    CERTIFICATE_CREATED,
    CERTIFICATE_REVOKED,
    COURSE_PASSING_STATUS_UPDATED,
)

from cadre_policy_plugin import api
from cadre_policy_plugin.conf import cadre_setting
from cadre_policy_plugin.models import EvidenceType
from cadre_policy_plugin.services import courses, ledger

log = logging.getLogger(__name__)

DISPATCH_UIDS = {
    "award_hours_on_certificate": "cadre_policy.award_hours_on_certificate",
    "reverse_hours_on_certificate_revoked": "cadre_policy.reverse_hours_on_certificate_revoked",
    "record_course_passing": "cadre_policy.record_course_passing",
}


def _user(user_data):
    return get_user_model().objects.filter(pk=user_data.id).first()


@receiver(CERTIFICATE_CREATED, dispatch_uid=DISPATCH_UIDS["award_hours_on_certificate"])
def award_hours_on_certificate(sender, certificate, **kwargs):
    """
    A passing certificate awards the course's hours once.

    Open edX sends CERTIFICATE_CREATED on every save of a passing certificate; the
    ledger's evidence constraint (user, "certificate", course key) makes repeats no-ops.
    """
    if not cadre_setting("AWARD_ON_CERTIFICATE"):
        return
    course_key = str(certificate.course.course_key)
    if api.get_course_credit_spec(course_key) is None:
        return
    user = _user(certificate.user)
    if user is None:
        log.warning("CERTIFICATE_CREATED for unknown user %s in %s", certificate.user.id, course_key)
        return
    if cadre_setting("CERTIFICATE_AWARD_REQUIRES_VERIFIED_TIME") and not api.course_verification_complete(user, course_key):
        log.info("certificate of user %s in %s: verified learning time incomplete, no hours", user.pk, course_key)
        return
    api.award_course_hours(user, course_key, evidence_type=EvidenceType.CERTIFICATE, evidence_ref=course_key)


@receiver(CERTIFICATE_REVOKED, dispatch_uid=DISPATCH_UIDS["reverse_hours_on_certificate_revoked"])
def reverse_hours_on_certificate_revoked(sender, certificate, **kwargs):
    """A revoked certificate reverses the course's hours (whatever evidence awarded them)."""
    if not cadre_setting("REVERSE_ON_CERTIFICATE_REVOKED"):
        return
    course_key = str(certificate.course.course_key)
    user = _user(certificate.user)
    if user is None:
        return
    for entry_uuid in ledger.effective_course_awards(user, course_key):
        api.revoke_entry(entry_uuid, by=None, reason=f"certificate revoked in Open edX ({certificate.current_status})")


@receiver(COURSE_PASSING_STATUS_UPDATED, dispatch_uid=DISPATCH_UIDS["record_course_passing"])
def record_course_passing(sender, course_passing_status, **kwargs):
    """Keep the exam pass that required hours and exam bonus credits depend on."""
    if not cadre_setting("RECORD_COURSE_PASSING"):
        return
    course_key = str(course_passing_status.course.course_key)
    if api.get_course_credit_spec(course_key) is None:
        return
    user = _user(course_passing_status.user)
    if user is None:
        return
    courses.record_passing(user, course_key, course_passing_status.is_passing)
