"""
Open edX wiring: the real openedx-events signals with their real data classes, the
real openedx-filters through OPEN_EDX_FILTERS_CONFIG, and the system checks.
"""
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core import checks
from django.test import override_settings
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.data import (
    CertificateData,
    CourseData,
    CoursePassingStatusData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import CERTIFICATE_CREATED, CERTIFICATE_REVOKED, COURSE_PASSING_STATUS_UPDATED
from openedx_filters.learning.filters import CertificateCreationRequested, CourseEnrollmentStarted

from cadre_policy_plugin import api
from cadre_policy_plugin.models import CoursePassing, LedgerEntry, YearStatus
from cadre_policy_plugin.settings.common import DEFAULTS, FILTER_STEPS, install_filter_steps
from tests.plugin.factories import make_profile, make_tree, make_user

pytestmark = pytest.mark.django_db

COURSE = CourseKey.from_string("course-v1:AnhuiAcademy+Party201+2026")
BLOCK = "block-v1:AnhuiAcademy+Party201+2026+type@cadre_credits+block@lesson1"
FILTERS = {
    CertificateCreationRequested.filter_type: {
        "pipeline": ["cadre_policy_plugin.pipeline.RequireVerifiedLearningTime"], "fail_silently": False},
    CourseEnrollmentStarted.filter_type: {
        "pipeline": ["cadre_policy_plugin.pipeline.RequireApprovedProfile"], "fail_silently": False},
}


def policy(**overrides):
    return override_settings(CADRE_POLICY={**DEFAULTS, **overrides})


@pytest.fixture
def learner():
    return make_profile(make_tree()["a"]).user


@pytest.fixture
def spec():
    return api.set_course_credit_spec(str(COURSE), category="elective", hours=Decimal("6"))


def user_data(user):
    return UserData(id=user.pk, is_active=user.is_active,
                    pii=UserPersonalData(username=user.username, email=user.email, name="张三"))


def certificate(user, status="downloadable"):
    return CertificateData(user=user_data(user), course=CourseData(course_key=COURSE, display_name="党性教育"),
                           mode="honor", grade="0.9", download_url="", name="张三", current_status=status)


def send_created(user):
    CERTIFICATE_CREATED.send_event(time=datetime.now(UTC), certificate=certificate(user))


def test_certificate_created_awards_once_however_often_it_is_sent(learner, spec):
    for _ in range(3):
        send_created(learner)
    entry = LedgerEntry.objects.get()
    assert entry.evidence_type == "certificate" and entry.evidence_ref == str(COURSE)
    assert entry.value_hours == Decimal("6.00")


def test_certificate_for_a_non_cadre_course_is_ignored(learner):
    send_created(learner)
    assert not LedgerEntry.objects.exists()


def test_certificate_waits_for_verified_time_when_blocks_exist(learner, spec):
    api.register_credit_block(str(COURSE), BLOCK, 1200)
    send_created(learner)
    assert not LedgerEntry.objects.exists()
    with policy(CERTIFICATE_AWARD_REQUIRES_VERIFIED_TIME=False):
        send_created(learner)
    assert LedgerEntry.objects.count() == 1


def test_award_on_certificate_switch(learner, spec):
    with policy(AWARD_ON_CERTIFICATE=False):
        send_created(learner)
    assert not LedgerEntry.objects.exists()


def test_certificate_revoked_reverses_and_repeats_are_harmless(learner, spec):
    send_created(learner)
    for _ in range(2):
        CERTIFICATE_REVOKED.send_event(certificate=certificate(learner, status="notpassing"))
    reversal = LedgerEntry.objects.get(reverses__isnull=False)
    assert reversal.value_hours == Decimal("-6.00") and reversal.entered_by is None
    assert YearStatus.objects.get(user=learner).total_earned == 0
    send_created(learner)  # a regenerated certificate awards again (new slot)
    assert LedgerEntry.objects.effective().get().evidence_ref == f"{COURSE}#2"


def test_course_passing_status_is_recorded_and_completes_a_waiting_award(learner):
    api.set_course_credit_spec(str(COURSE), category="required", hours=Decimal("4"))
    api.register_credit_block(str(COURSE), BLOCK, 600)
    api.report_block_verified(learner, str(COURSE), BLOCK, verified_seconds=600, session_ids=["s1"])
    assert not LedgerEntry.objects.exists()  # Anhui: required hours wait for the exam
    COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=CoursePassingStatusData(
        is_passing=True, course=CourseData(course_key=COURSE), user=user_data(learner)))
    assert CoursePassing.objects.get(user=learner).has_passed
    assert LedgerEntry.objects.get().exam_passed is True


def test_certificate_gate_refuses_until_time_is_verified(learner, spec):
    api.register_credit_block(str(COURSE), BLOCK, 1200)
    with override_settings(OPEN_EDX_FILTERS_CONFIG=FILTERS):
        with pytest.raises(CertificateCreationRequested.PreventCertificateCreation) as exc:
            CertificateCreationRequested.run_filter(user=learner, course_key=COURSE, mode="honor",
                                                    status="downloadable", grade=0.9, generation_mode="batch")
        assert "0" in exc.value.message and "20" in exc.value.message
        api.report_block_verified(learner, str(COURSE), BLOCK, verified_seconds=1200, session_ids=["s1"])
        result = CertificateCreationRequested.run_filter(user=learner, course_key=COURSE, mode="honor",
                                                         status="downloadable", grade=0.9, generation_mode="batch")
    assert result == (learner, COURSE, "honor", "downloadable", 0.9, "batch")


def test_certificate_gate_needs_an_approved_profile(spec):
    unapproved = make_profile(make_tree()["a"], approved=False).user
    with override_settings(OPEN_EDX_FILTERS_CONFIG=FILTERS), pytest.raises(
            CertificateCreationRequested.PreventCertificateCreation) as exc:
        CertificateCreationRequested.run_filter(user=unapproved, course_key=COURSE, mode="honor",
                                                status="downloadable", grade=0.9, generation_mode="batch")
    assert "实名" in exc.value.message  # the test host speaks zh-hans; the catalogue is compiled
    with override_settings(OPEN_EDX_FILTERS_CONFIG=FILTERS), policy(CERTIFICATE_GATE=False):
        CertificateCreationRequested.run_filter(user=unapproved, course_key=COURSE, mode="honor",
                                                status="downloadable", grade=0.9, generation_mode="batch")


def test_enrollment_gate(learner, spec):
    stranger = make_user()
    staff = make_user(is_staff=True)
    with override_settings(OPEN_EDX_FILTERS_CONFIG=FILTERS):
        assert CourseEnrollmentStarted.run_filter(user=learner, course_key=COURSE, mode="audit") == (
            learner, COURSE, "audit")
        assert CourseEnrollmentStarted.run_filter(user=staff, course_key=COURSE, mode="audit")[0] == staff
        other = CourseKey.from_string("course-v1:Open+Course+1")
        assert CourseEnrollmentStarted.run_filter(user=stranger, course_key=other, mode="audit")[0] == stranger
        with pytest.raises(CourseEnrollmentStarted.PreventEnrollment):
            CourseEnrollmentStarted.run_filter(user=stranger, course_key=COURSE, mode="audit")
        profile = learner.cadre_profile
        profile.status = "retired"
        profile.save()
        with pytest.raises(CourseEnrollmentStarted.PreventEnrollment):
            CourseEnrollmentStarted.run_filter(user=learner, course_key=COURSE, mode="audit")
        with policy(ENROLLMENT_GATE=False):
            CourseEnrollmentStarted.run_filter(user=stranger, course_key=COURSE, mode="audit")


def test_filter_type_constants_match_the_real_filters():
    assert set(FILTER_STEPS) == {CertificateCreationRequested.filter_type, CourseEnrollmentStarted.filter_type}


def test_install_filter_steps_keeps_operator_steps():
    mine = "someone.else.Step"
    config = install_filter_steps({CourseEnrollmentStarted.filter_type: {"pipeline": [mine], "fail_silently": True}})
    assert config[CourseEnrollmentStarted.filter_type] == {
        "pipeline": [mine, FILTER_STEPS[CourseEnrollmentStarted.filter_type]], "fail_silently": True}
    assert config[CertificateCreationRequested.filter_type]["fail_silently"] is False
    assert install_filter_steps(config) == config


def _ids(**settings):
    with override_settings(**settings):
        return {message.id for message in checks.run_checks() if message.id.startswith("cadre_policy.")}


def test_system_checks():
    wired = install_filter_steps({})
    assert _ids(CADRE_POLICY={**DEFAULTS, "ID_NUMBER_HASH_KEY": "x"}, OPEN_EDX_FILTERS_CONFIG=wired) == set()
    assert "cadre_policy.E001" in _ids(CADRE_POLICY={"AWARD_ON_CERTIFCATE": True}, OPEN_EDX_FILTERS_CONFIG=wired)
    assert "cadre_policy.E002" in _ids(CADRE_POLICY={"CERTIFICATE_GATE": "yes"}, OPEN_EDX_FILTERS_CONFIG=wired)
    assert "cadre_policy.E003" in _ids(CADRE_POLICY={"DEFAULT_POLICY_KEY": "atlantis"}, OPEN_EDX_FILTERS_CONFIG=wired)
    assert "cadre_policy.E004" in _ids(CADRE_POLICY={"CERTIFICATE_FONT_PATH": "/nope.ttf"},
                                       OPEN_EDX_FILTERS_CONFIG=wired)
    assert "cadre_policy.W001" in _ids(CADRE_POLICY={}, OPEN_EDX_FILTERS_CONFIG=wired)
    assert "cadre_policy.W002" in _ids(CADRE_POLICY={"ID_NUMBER_HASH_KEY": "x"}, OPEN_EDX_FILTERS_CONFIG={})
    assert "cadre_policy.W002" not in _ids(CADRE_POLICY={"ID_NUMBER_HASH_KEY": "x", "CERTIFICATE_GATE": False,
                                                         "ENROLLMENT_GATE": False}, OPEN_EDX_FILTERS_CONFIG={})
    loose = {ft: {"pipeline": [step], "fail_silently": True} for ft, step in FILTER_STEPS.items()}
    assert "cadre_policy.W003" in _ids(CADRE_POLICY={"ID_NUMBER_HASH_KEY": "x"}, OPEN_EDX_FILTERS_CONFIG=loose)


def test_unknown_setting_key_is_refused():
    from cadre_policy_plugin.conf import cadre_setting

    with pytest.raises(KeyError):
        cadre_setting("AWARD_ON_CERTIFCATE")
