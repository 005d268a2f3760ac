"""
The award state machine (ADR 0018) driven by edx-platform's real event sequences.

Every scenario replays what edx-platform sends (tests/plugin/openedx_replay.py):
passing on every grade update, CERTIFICATE_CHANGED + CERTIFICATE_CREATED on every
passing save, CHANGED + REVOKED on a revocation, a regenerated certificate, and
asserts the ledger holds exactly the awards and reversals the ADR says, each with the
evidence of what really happened.
"""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadre_policy_plugin import api
from cadre_policy_plugin.models import CourseCertificate, CoursePassing, LedgerEntry, YearStatus
from sync_adapter.models import OutboxRecord
from tests.plugin.factories import make_admin, make_profile, make_tree
from tests.plugin.openedx_replay import OpenEdx

pytestmark = pytest.mark.django_db

COURSE = "course-v1:AnhuiAcademy+Party201+2027"
BLOCKS = [f"block-v1:AnhuiAcademy+Party201+2027+type@cadre_credits+block@lesson{n}" for n in (1, 2)]


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def learner(tree):
    return make_profile(tree["a"]).user


def ledger(user):
    """(evidence_type, evidence_ref, counted hours, reverses award n) in the order written."""
    rows = LedgerEntry.objects.filter(user=user).order_by("id")
    return [(row.evidence_type, row.evidence_ref, row.value_hours) for row in rows]


def effective_hours(user):
    return YearStatus.objects.get(user=user, year=2027).total_earned


def verify_blocks(user):
    for n, block in enumerate(BLOCKS, start=1):
        api.report_block_verified(user, COURSE, block, verified_seconds=600, session_ids=[f"s{n}a", f"s{n}b"])


@pytest.fixture
def blocks_course():
    """A required course with two credit blocks: Anhui (Art. 10) waits for the exam pass."""
    api.set_course_credit_spec(COURSE, category="required", hours=Decimal("4"))
    for block in BLOCKS:
        api.register_credit_block(COURSE, block, 600)


@pytest.fixture
def certificate_course():
    """An elective with no credit blocks: its hours rest on the certificate alone."""
    api.set_course_credit_spec(COURSE, category="elective", hours=Decimal("6"))


def test_course_with_blocks_passing_certificate_revoked_reissued(learner, blocks_course):
    edx = OpenEdx(learner, COURSE)
    verify_blocks(learner)
    assert ledger(learner) == []  # required hours wait for the exam (Anhui Art. 10)

    for _ in range(3):  # passing x N: every grade update while the learner passes
        edx.grade_update(is_passing=True)
    award = LedgerEntry.objects.get(user=learner)
    assert (award.evidence_type, award.evidence_ref, award.award_key) == ("block_sessions", COURSE, f"{COURSE}#1")
    assert award.exam_passed is True
    assert [(b["usage_key"], b["session_ids"]) for b in award.evidence_detail["blocks"]] == [
        (BLOCKS[0], ["s1a", "s1b"]), (BLOCKS[1], ["s2a", "s2b"])]
    assert award.evidence_detail["exam"]["first_passed_at"].startswith("2027-06-15")

    edx.certificate_saved()  # certificate created
    edx.certificate_saved()  # ...and saved again (regeneration, name change)
    edx.grade_update(is_passing=True)  # passing again
    assert ledger(learner) == [("block_sessions", COURSE, Decimal("4.00"))]

    edx.certificate_revoked("notpassing")
    edx.certificate_revoked("notpassing")  # a repeated revocation is a no-op
    reversal = LedgerEntry.objects.get(user=learner, reverses=award)
    assert reversal.entered_by is None and "notpassing" in reversal.reason
    assert effective_hours(learner) == 0

    for _ in range(2):  # passing again: the revocation sticks
        edx.grade_update(is_passing=True)
    api.report_block_verified(learner, COURSE, BLOCKS[0], verified_seconds=600, session_ids=["late"])
    assert LedgerEntry.objects.filter(user=learner).count() == 2

    edx.certificate_saved()  # re-issued: a new certificate after the revocation
    edx.certificate_saved()  # saved again
    edx.grade_update(is_passing=True)
    assert ledger(learner) == [
        ("block_sessions", COURSE, Decimal("4.00")),
        ("reversal", str(award.uuid), Decimal("-4.00")),
        ("certificate", f"{COURSE}#2", Decimal("4.00")),
    ]
    again = LedgerEntry.objects.get(user=learner, evidence_type="certificate")
    assert again.award_key == f"{COURSE}#2"
    assert again.evidence_detail["certificate_status"] == "downloadable"
    assert again.evidence_detail["issue"] == 2 and again.evidence_detail["mode"] == "honor"
    assert effective_hours(learner) == Decimal("4")
    state = CourseCertificate.objects.get(user=learner, course_key=COURSE)
    assert (state.issues, state.revocations, state.revoked, state.status) == (2, 1, False, "downloadable")
    # every ledger row has its outbox row (written in the same transaction)
    assert OutboxRecord.objects.filter(user_id=learner.pk).count() == 3


def test_course_without_blocks_rests_on_the_certificate_alone(learner, certificate_course):
    edx = OpenEdx(learner, COURSE)
    for _ in range(3):
        edx.grade_update(is_passing=True)
    assert ledger(learner) == []  # no block session exists: passing alone never awards
    assert CoursePassing.objects.get(user=learner, course_key=COURSE).has_passed

    edx.certificate_saved()
    edx.grade_update(is_passing=True)
    edx.certificate_saved()
    award = LedgerEntry.objects.get(user=learner)
    assert (award.evidence_type, award.evidence_ref) == ("certificate", COURSE)
    assert award.evidence_detail == {"certificate_status": "downloadable", "mode": "honor", "issue": 1}

    edx.certificate_revoked("unavailable")
    edx.grade_update(is_passing=True)
    edx.grade_update(is_passing=False)
    edx.grade_update(is_passing=True)
    assert effective_hours(learner) == 0 and LedgerEntry.objects.count() == 2

    edx.certificate_saved()
    assert ledger(learner) == [
        ("certificate", COURSE, Decimal("6.00")),
        ("reversal", str(award.uuid), Decimal("-6.00")),
        ("certificate", f"{COURSE}#2", Decimal("6.00")),
    ]


def test_an_administrators_revocation_sticks_until_reinstated(tree, learner, certificate_course):
    admin = make_admin(tree["county"])
    edx = OpenEdx(learner, COURSE)
    edx.certificate_saved()
    award = LedgerEntry.objects.get(user=learner)
    api.revoke_entry(award.uuid, by=admin, reason="代学代考 (proxy learning) found")

    edx.grade_update(is_passing=True)
    edx.certificate_revoked("unavailable")  # the instructor invalidates it too...
    edx.certificate_saved()  # ...and a later regeneration issues it anew
    assert effective_hours(learner) == 0 and LedgerEntry.objects.count() == 2

    reinstated = api.reinstate_course_award(learner, COURSE, by=admin, reason="appeal upheld by the county committee")
    row = LedgerEntry.objects.get(uuid=reinstated.uuid)
    assert (row.evidence_type, row.award_key, row.entered_by) == ("administrator", f"{COURSE}#2", admin)
    assert row.evidence_detail["reinstates"] == str(award.uuid)
    assert row.earned_on == award.earned_on  # the hours stay in the year they were earned
    assert effective_hours(learner) == Decimal("6")

    edx.certificate_saved()
    edx.grade_update(is_passing=True)
    assert LedgerEntry.objects.count() == 3
    with pytest.raises(ValidationError):  # it counts again: nothing to reinstate
        api.reinstate_course_award(learner, COURSE, by=admin, reason="again")


def test_reinstatement_needs_scope_and_a_reason(tree, learner, certificate_course):
    OpenEdx(learner, COURSE).certificate_saved()
    award = LedgerEntry.objects.get(user=learner)
    api.revoke_entry(award.uuid, by=make_admin(tree["county"]), reason="error")
    with pytest.raises(PermissionDenied):
        api.reinstate_course_award(learner, COURSE, by=make_admin(tree["b"]), reason="not mine")
    with pytest.raises(ValidationError):
        api.reinstate_course_award(learner, COURSE, by=make_admin(tree["a"]), reason=" ")
    other = make_profile(tree["a"]).user
    with pytest.raises(ValidationError):  # never awarded
        api.reinstate_course_award(other, COURSE, by=make_admin(tree["a"]), reason="why not")


def test_a_revocation_before_any_award_still_sticks(learner, blocks_course):
    edx = OpenEdx(learner, COURSE)
    edx.grade_update(is_passing=True)
    edx.certificate_saved()  # verified time incomplete: the certificate awards nothing yet
    edx.certificate_revoked("notpassing")
    verify_blocks(learner)
    edx.grade_update(is_passing=True)
    assert ledger(learner) == []
    edx.certificate_saved()  # a new certificate, every block verified
    award = LedgerEntry.objects.get(user=learner)
    assert (award.evidence_type, award.evidence_ref) == ("certificate", COURSE)
    assert [b["session_ids"] for b in award.evidence_detail["blocks"]] == [["s1a", "s1b"], ["s2a", "s2b"]]


def test_a_ccx_course_counts_as_its_master_course(learner, blocks_course):
    ccx = "ccx-v1:AnhuiAcademy+Party201+2027+ccx@7"
    ccx_blocks = [key.replace("block-v1:", "ccx-block-v1:").replace("2027+type", "2027+ccx@7+type") for key in BLOCKS]
    for n, block in enumerate(ccx_blocks, start=1):
        api.report_block_verified(learner, ccx, block, verified_seconds=600, session_ids=[f"c{n}"])
    coached = OpenEdx(learner, ccx)
    coached.grade_update(is_passing=True)  # CCX_COURSE_PASSING_STATUS_UPDATED
    award = LedgerEntry.objects.get(user=learner)
    assert (award.course_key, award.evidence_type, award.award_key) == (COURSE, "block_sessions", f"{COURSE}#1")
    assert [b["usage_key"] for b in award.evidence_detail["blocks"]] == BLOCKS
    coached.certificate_saved()  # a CCX certificate is the master's: no second award
    OpenEdx(learner, COURSE).grade_update(is_passing=True)
    assert LedgerEntry.objects.count() == 1
    coached.certificate_revoked("unavailable")
    assert effective_hours(learner) == 0


def test_events_for_other_courses_and_failing_grades_write_nothing(learner, certificate_course):
    other = OpenEdx(learner, "course-v1:Open+Other+2027")
    other.grade_update(is_passing=True)
    other.certificate_saved()
    other.certificate_revoked()
    OpenEdx(learner, COURSE).grade_update(is_passing=False)
    assert not LedgerEntry.objects.exists()
    assert not CourseCertificate.objects.filter(course_key="course-v1:Open+Other+2027").exists()
    assert CoursePassing.objects.get(user=learner, course_key=COURSE).has_passed is False


def test_the_exam_bonus_is_written_once_on_the_first_pass():
    """Loudi Art. 10: the exam bonus rewards the pass (evidence ``exam``), once, whatever follows."""
    learner = make_profile(make_tree(policy_key="loudi")["a"]).user
    api.set_course_credit_spec(COURSE, category="elective", hours=Decimal("2"), exam_bonus_credits=Decimal("1"))
    edx = OpenEdx(learner, COURSE)
    for _ in range(3):
        edx.grade_update(is_passing=True)
    bonus = LedgerEntry.objects.get(user=learner)
    assert (bonus.source, bonus.evidence_type, bonus.evidence_ref) == ("exam_bonus", "exam", COURSE)
    assert bonus.evidence_detail["first_passed_at"].startswith("2027-06-15")
    edx.certificate_saved()
    edx.certificate_revoked("notpassing")
    edx.grade_update(is_passing=True)
    rows = LedgerEntry.objects.filter(user=learner).order_by("id")
    assert [(row.source, row.evidence_type) for row in rows] == [
        ("exam_bonus", "exam"), ("online_course", "certificate"), ("online_course", "reversal")]
    assert LedgerEntry.objects.effective().get(user=learner).uuid == bonus.uuid
