"""api.py: awards, entries, revocations, the in-transaction signal, files and summaries."""
from datetime import UTC, date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadre_policy_plugin import api, signals
from cadre_policy_plugin.data import LedgerEntryData, RegistryIdentity, YearTotals
from cadre_policy_plugin.models import AuditLog, LedgerEntry, YearStatus
from tests.plugin.factories import make_admin, make_profile, make_tree, make_user

pytestmark = pytest.mark.django_db

COURSE = "course-v1:AnhuiAcademy+Theory101+2026"
DAY = date(2026, 3, 5)


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def learner(tree):
    return make_profile(tree["a"], rank="county").user


@pytest.fixture
def spec():
    return api.set_course_credit_spec(COURSE, category="required", hours=Decimal("20"))


@pytest.fixture
def recorded():
    """Every ledger_entry_recorded signal, with whether it ran inside a transaction."""
    seen = []

    def receiver(sender, entry, **kwargs):
        seen.append((entry, transaction.get_connection().in_atomic_block))

    signals.ledger_entry_recorded.connect(receiver, dispatch_uid="test-recorded")
    yield seen
    signals.ledger_entry_recorded.disconnect(dispatch_uid="test-recorded")


def test_spec_round_trip_and_validation(spec):
    got = api.get_course_credit_spec(COURSE)
    assert got.hours == Decimal("20") and got.category == "required"
    assert api.get_course_credit_spec("course-v1:Other+X+1") is None
    with pytest.raises(ValidationError):
        api.set_course_credit_spec("course-v1:A+B+C", category="required")  # neither hours nor minutes


def test_award_is_recorded_once_inside_the_transaction(learner, spec, recorded):
    first = api.award_course_hours(learner, COURSE, evidence_type="certificate", evidence_ref=COURSE, earned_on=DAY)
    again = api.award_course_hours(learner, COURSE, evidence_type="certificate", evidence_ref=COURSE, earned_on=DAY)
    other_path = api.award_course_hours(learner, COURSE, evidence_type="block_sessions", evidence_ref=COURSE,
                                        earned_on=DAY)
    assert isinstance(first, LedgerEntryData)
    assert again is None and other_path is None
    assert first.hours == Decimal("20.00") and first.academic_year == 2026 and first.policy_key == "anhui-2019"
    assert LedgerEntry.objects.count() == 1
    assert len(recorded) == 1
    assert recorded[0][0] == first and recorded[0][1] is True


def test_signal_receiver_failure_rolls_back_the_entry(learner, spec):
    def broken(sender, entry, **kwargs):
        raise RuntimeError("outbox down")

    signals.ledger_entry_recorded.connect(broken, dispatch_uid="test-broken")
    try:
        with pytest.raises(RuntimeError):
            api.award_course_hours(learner, COURSE, evidence_type="certificate", evidence_ref=COURSE, earned_on=DAY)
    finally:
        signals.ledger_entry_recorded.disconnect(dispatch_uid="test-broken")
    assert not LedgerEntry.objects.exists()


def test_year_status_follows_the_ledger(learner, spec):
    api.award_course_hours(learner, COURSE, evidence_type="certificate", evidence_ref=COURSE, earned_on=DAY)
    row = YearStatus.objects.get(user=learner, year=2026)
    assert row.total_earned == Decimal("20") and row.total_needed == Decimal("50") and not row.met
    summary = api.learner_year_summary(learner, 2026)
    assert summary == {"year": 2026, "unit": "hours", "total_needed": Decimal("50"),
                       "total_earned": Decimal("20.00"), "required_needed": None, "required_earned": None,
                       "met": False}


def test_revocation_reverses_and_refreshes_status(tree, learner, spec, recorded):
    admin = make_admin(tree["county"])
    award = api.award_course_hours(learner, COURSE, evidence_type="certificate", evidence_ref=COURSE, earned_on=DAY)
    reversal = api.revoke_entry(award.uuid, by=admin, reason="代学代考 (proxy learning) found")
    assert reversal.reverses == award.uuid and reversal.hours == Decimal("-20.00")
    assert api.revoke_entry(award.uuid, by=admin, reason="twice") == reversal
    assert YearStatus.objects.get(user=learner, year=2026).total_earned == 0
    assert [e.uuid for e, _ in recorded] == [award.uuid, reversal.uuid]
    assert AuditLog.objects.filter(action="ledger.revoke", actor=admin, learner=learner).exists()
    # an administrator's revocation is never undone by a later automatic event
    assert api.award_course_hours(learner, COURSE, evidence_type="certificate", evidence_ref=COURSE) is None


def test_system_revocation_sticks_for_a_repeated_award(learner, spec):
    # only a certificate issued anew opens the next slot (ADR 0018; test_award_state_machine)
    award = api.award_course_hours(learner, COURSE, evidence_type="certificate", evidence_ref=COURSE, earned_on=DAY)
    api.revoke_entry(award.uuid, by=None, reason="certificate revoked in Open edX")
    again = api.award_course_hours(learner, COURSE, evidence_type="certificate", evidence_ref=COURSE, earned_on=DAY)
    assert again is None
    assert YearStatus.objects.get(user=learner, year=2026).total_earned == 0


def test_revocation_needs_a_reason(learner, spec):
    award = api.award_course_hours(learner, COURSE, evidence_type="certificate", evidence_ref=COURSE, earned_on=DAY)
    with pytest.raises(ValidationError):
        api.revoke_entry(award.uuid, by=None, reason=" ")


def test_admin_entry_is_audited_and_scoped(tree, learner):
    admin_a = make_admin(tree["a"])
    admin_b = make_admin(tree["b"])
    data = api.add_entry(learner, source="live_class", category="elective", minutes=Decimal("90"),
                         entered_by=admin_a, reason="直播课堂 attendance sheet", earned_on=DAY)
    assert data.hours == Decimal("2.00") and data.entered_by_id == admin_a.pk
    assert AuditLog.objects.get(action="ledger.add").reason == "直播课堂 attendance sheet"
    with pytest.raises(PermissionDenied):
        api.add_entry(learner, source="live_class", category="elective", minutes=Decimal("90"),
                      entered_by=admin_b, reason="not mine", earned_on=DAY)
    with pytest.raises(PermissionDenied):
        api.revoke_entry(data.uuid, by=admin_b, reason="not mine")
    with pytest.raises(ValidationError):
        api.add_entry(learner, source="live_class", category="elective", minutes=Decimal("90"),
                      entered_by=admin_a, reason="", earned_on=DAY)


def test_engine_refusal_becomes_validation_error(tree, learner):
    admin = make_admin(tree["a"])
    with pytest.raises(ValidationError):
        api.add_entry(learner, source="live_class", minutes=Decimal("90"), entered_by=admin,
                      reason="no category under anhui", earned_on=DAY)
    assert not LedgerEntry.objects.exists()


def test_blocks_then_exam_award_the_course(learner, spec):
    block1 = "block-v1:AnhuiAcademy+Theory101+2026+type@cadre_credits+block@one"
    block2 = "block-v1:AnhuiAcademy+Theory101+2026+type@cadre_credits+block@two"
    api.register_credit_block(COURSE, block1, 600)
    api.register_credit_block(COURSE, block2, 900)
    api.register_credit_block(COURSE, block2, 900)
    assert not api.course_verification_complete(learner, COURSE)
    assert api.report_block_verified(learner, COURSE, block1, verified_seconds=610, session_ids=["s1"]) is None
    assert api.verified_seconds_for_course(learner, COURSE) == 610
    # Anhui: required hours need the exam, so the award waits for the pass
    assert api.report_block_verified(learner, COURSE, block2, verified_seconds=905, session_ids=["s2", "s3"]) is None
    assert api.course_verification_complete(learner, COURSE)
    from cadre_policy_plugin.services.courses import record_passing

    written = record_passing(learner, COURSE, True)
    assert len(written) == 1 and written[0].evidence_type == "block_sessions"
    assert LedgerEntry.objects.get().exam_passed is True


def test_a_late_report_files_the_hours_under_the_day_the_course_was_completed(learner):
    from datetime import datetime

    key = "course-v1:AnhuiAcademy+Elective7+2026"
    block = "block-v1:AnhuiAcademy+Elective7+2026+type@cadre_credits+block@one"
    api.set_course_credit_spec(key, category="elective", hours=Decimal("2"))
    api.register_credit_block(key, block, 600)
    verified_at = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)  # last day of Anhui's year
    awarded = api.report_block_verified(learner, key, block, verified_seconds=600, session_ids=["s1"],
                                        verified_at=verified_at)
    assert awarded is not None and awarded.earned_on.isoformat() == "2026-10-31"
    assert LedgerEntry.objects.get(uuid=awarded.uuid).academic_year == 2026


def test_year_met_issues_annual_certificate(learner):
    for index in range(3):
        key = f"course-v1:AnhuiAcademy+C{index}+2026"
        api.set_course_credit_spec(key, category="required", hours=Decimal("20"))
        api.award_course_hours(learner, key, evidence_type="certificate", evidence_ref=key, earned_on=DAY)
    row = YearStatus.objects.get(user=learner, year=2026)
    assert row.met and row.total_earned == Decimal("60")
    file = api.learner_file(learner, 2026)
    assert file["certificate"]["serial"].startswith("CC2026-")
    code = file["certificate"]["verification_code"]
    verified = api.verify_annual_certificate(code)
    assert verified["real_name"] == "张三" and "id_number" not in verified
    # revoking below the quota revokes the certificate
    first = LedgerEntry.objects.order_by("id").first()
    api.revoke_entry(first.uuid, by=None, reason="cheating plug-in found")
    assert api.verify_annual_certificate(code) is None


def test_learner_file_masks_and_marks(tree, learner, spec):
    award = api.award_course_hours(learner, COURSE, evidence_type="certificate", evidence_ref=COURSE, earned_on=DAY)
    api.revoke_entry(award.uuid, by=None, reason="certificate revoked")
    file = api.learner_file(learner, 2026)
    profile = learner.cadre_profile
    assert file["profile"]["id_number"] == profile.masked_id_number
    assert profile.id_number not in str(file)
    assert [e["reversed"] for e in file["entries"]] == [True, False]
    assert file["status"]["requirements"][0]["earned"] == "0"


def test_learner_file_reads_the_ledger_once_whatever_its_length(tree, learner, django_assert_num_queries):
    for i in range(8):
        key = f"course-v1:AnhuiAcademy+File{i}+2026"
        api.set_course_credit_spec(key, category="elective", hours=Decimal("3"))
        award = api.award_course_hours(learner, key, evidence_type="certificate", evidence_ref=key,
                                       earned_on=date(2026, 3, 1 + i))
        if i % 3 == 0:
            api.revoke_entry(award.uuid, by=None, reason="certificate revoked")
    # profile, ancestors (pack), ledger, history, certificate
    with django_assert_num_queries(5):
        file = api.learner_file(learner, 2026)
    entries = file["entries"]
    assert len(entries) == 11
    reversals = [e for e in entries if e["reverses"]]
    assert len(reversals) == 3 and all(not e["counted"] for e in reversals)
    reversed_uuids = {e["uuid"] for e in entries if e["reversed"]}
    assert reversed_uuids == {e["reverses"] for e in reversals}
    assert sum(1 for e in entries if e["counted"]) == 5
    assert file["status"]["requirements"][0]["earned"] == "15"


def test_unit_summary_counts_subtree(tree, spec):
    a = make_profile(tree["a"]).user
    make_profile(tree["b"])
    api.award_course_hours(a, COURSE, evidence_type="certificate", evidence_ref=COURSE, earned_on=DAY)
    summary = api.unit_summary(tree["a"], 2026)
    assert summary["learners_total"] == 1 and summary["learners"][0]["total_earned"] == Decimal("20")
    assert api.unit_summary(tree["county"], 2026)["learners_total"] == 2


def test_totals_identity_and_listing(tree, learner, spec):
    award = api.award_course_hours(learner, COURSE, evidence_type="certificate", evidence_ref=COURSE, earned_on=DAY)
    totals = api.year_totals(learner.pk, 2026)
    assert totals == YearTotals(user_id=learner.pk, year=2026, hours=Decimal("20"), credits=Decimal("0"),
                                entry_count=1, entry_uuids=(award.uuid,))
    assert api.get_ledger_entry(award.uuid) == award
    assert api.ledger_entries_since(None) == [award]
    assert api.ledger_entries_since(None, after_id=award.uuid) == []
    identity = api.registry_identity(learner.pk)
    assert isinstance(identity, RegistryIdentity)
    assert identity.unit_code == "AH-HF-SX-A" and identity.region_key == "anhui"
    assert api.has_active_profile(learner)
    assert not api.has_active_profile(make_user())
    assert api.learning_rules_for(learner) == {"max_playback_rate": Decimal("1.0"), "daily_cap_minutes": None}


def test_no_award_without_profile_or_spec(spec):
    stranger = make_user()
    assert api.award_course_hours(stranger, COURSE, evidence_type="certificate", evidence_ref=COURSE) is None
    assert api.award_course_hours(stranger, "course-v1:X+Y+Z", evidence_type="certificate",
                                  evidence_ref="x") is None


def test_administered_units(tree):
    admin = make_admin(tree["county"])
    assert api.administered_units(admin) == ["AH-HF-SX"]
    assert api.administered_units(make_user()) == []
    assert api.administered_units(make_user(is_superuser=True)) == ["AH"]


def test_registry_identities_answer_a_batch_in_three_queries_whatever_its_size(tree, django_assert_num_queries):
    learners = [make_profile(tree["a"] if i % 2 else tree["b"]) for i in range(6)]
    region = tree["b"]
    region.region_key = "hefei-feixi"
    region.save()
    stranger = make_user()
    with django_assert_num_queries(3):  # profiles, ancestors, merged accounts (issue 13)
        few = api.registry_identities([learners[0].user_id, learners[1].user_id])
    with django_assert_num_queries(3):
        found = api.registry_identities([p.user_id for p in learners] + [stranger.pk])
    assert stranger.pk not in found and set(found) == {p.user_id for p in learners}
    assert few[learners[0].user_id] == found[learners[0].user_id]
    for profile in learners:
        identity = found[profile.user_id]
        assert identity == api.registry_identity(profile.user_id)
        assert identity.id_number == profile.id_number and identity.unit_code == profile.unit.code
        assert identity.region_key == ("hefei-feixi" if profile.unit_id == region.pk else "anhui")
