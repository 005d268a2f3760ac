"""Models: the organisation tree, real-name profiles, the append-only ledger."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from cadre_policy_plugin.models import (
    AuditImmutableError,
    AuditLog,
    CourseCreditSpec,
    LearnerProfile,
    LedgerEntry,
    LedgerImmutableError,
    OrgNode,
)
from tests.plugin.factories import make_id_number, make_profile, make_tree, make_user

pytestmark = pytest.mark.django_db


def test_paths_and_depths_follow_the_tree():
    tree = make_tree()
    assert tree["province"].path == f"/{tree['province'].pk}/"
    assert tree["a"].path == f"{tree['county'].path}{tree['a'].pk}/"
    assert [tree[k].depth for k in ("province", "city", "county", "a")] == [0, 1, 2, 3]


def test_subtree_is_one_query_and_excludes_siblings():
    tree = make_tree()
    with CaptureQueriesContext(connection) as queries:
        codes = set(OrgNode.objects.subtree_of(tree["county"]).values_list("code", flat=True))
    assert len(queries) == 1
    assert codes == {"AH-HF-SX", "AH-HF-SX-A", "AH-HF-SX-B"}
    assert set(OrgNode.objects.subtree_of(tree["a"]).values_list("code", flat=True)) == {"AH-HF-SX-A"}


def test_prefix_of_a_sibling_id_is_not_a_descendant():
    """/1/2/ must not match /1/21/: the trailing separator is part of the prefix."""
    root = OrgNode.objects.create(code="R", name="R", kind="province")
    nodes = [OrgNode.objects.create(code=f"N{i}", name=f"N{i}", kind="city", parent=root) for i in range(25)]
    first = nodes[0]
    others = [n for n in nodes if str(n.pk).startswith(str(first.pk)) and n.pk != first.pk]
    assert set(OrgNode.objects.subtree_of(first)) == {first}
    assert all(not n.is_within(first) for n in others)


def test_moving_a_node_moves_its_subtree():
    tree = make_tree()
    other_city = OrgNode.objects.create(code="AH-WH", name="芜湖市", kind="city", parent=tree["province"])
    county = tree["county"]
    county.parent = other_city
    county.save()
    unit_a = OrgNode.objects.get(pk=tree["a"].pk)
    assert unit_a.path.startswith(other_city.path)
    assert unit_a.depth == 3
    assert unit_a.ancestors()[1] == other_city


def test_a_node_cannot_move_below_itself():
    tree = make_tree()
    city = tree["city"]
    city.parent = tree["a"]
    with pytest.raises(ValueError):
        city.save()


def test_profile_stores_hash_and_masks_number():
    tree = make_tree()
    number = make_id_number()
    profile = make_profile(tree["a"], id_number=number.lower())
    assert profile.id_number == number
    assert number not in profile.id_number_hash
    assert profile.masked_id_number == number[:3] + "*" * 11 + number[-4:]
    assert number not in str(profile)
    assert LearnerProfile.objects.with_id_number(number).get() == profile


def test_one_person_one_account():
    tree = make_tree()
    number = make_id_number()
    make_profile(tree["a"], id_number=number)
    second = LearnerProfile(user=make_user(), real_name="李四", id_number=number, rank="staff",
                            unit=tree["b"])
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert "id_number" in exc.value.message_dict
    assert number not in str(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_profile_validation_rejects_bad_id_and_mobile():
    tree = make_tree()
    bad = LearnerProfile(user=make_user(), real_name="王五", id_number="110105194912310021",
                         mobile="12345", rank="staff", unit=tree["a"])
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert set(exc.value.message_dict) >= {"id_number", "mobile"}


@pytest.mark.parametrize("status", ["retired", "resigned", "deceased", "transferred"])
def test_leaving_deactivates_account_and_keeps_file(status):
    tree = make_tree()
    profile = make_profile(tree["a"])
    LedgerEntry.objects.create(user=profile.user, source="self_study", earned_on=date(2026, 3, 1),
                               characters=2000, evidence_type="upload", evidence_ref="doc-1")
    profile.status = status
    profile.save()
    profile.user.refresh_from_db()
    assert profile.user.is_active is False
    assert LearnerProfile.objects.filter(pk=profile.pk).exists()
    assert LedgerEntry.objects.filter(user=profile.user).count() == 1


def _entry(user, **kw):
    values = {"source": "online_course", "category": "required", "hours": 2, "earned_on": date(2026, 3, 1),
              "evidence_type": "certificate", "evidence_ref": "course-v1:A+B+C"}
    values.update(kw)
    return LedgerEntry.objects.create(user=user, **values)


def test_ledger_rows_cannot_be_updated_or_deleted():
    user = make_user()
    entry = _entry(user)
    entry.reason = "changed"
    with pytest.raises(LedgerImmutableError):
        entry.save()
    with pytest.raises(LedgerImmutableError):
        entry.delete()
    with pytest.raises(LedgerImmutableError):
        LedgerEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(LedgerImmutableError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()


def test_same_evidence_is_refused_by_the_database():
    user = make_user()
    _entry(user)
    with pytest.raises(IntegrityError), transaction.atomic():
        _entry(user)
    _entry(make_user())  # another learner's certificate for the same course is fine


def test_an_entry_is_reversed_at_most_once():
    user = make_user()
    entry = _entry(user)
    _entry(user, evidence_type="reversal", evidence_ref=str(entry.uuid), reverses=entry, hours=-2)
    with pytest.raises(IntegrityError), transaction.atomic():
        _entry(user, evidence_type="reversal", evidence_ref=f"{entry.uuid}-again", reverses=entry, hours=-2)
    assert not LedgerEntry.objects.effective().exists()


def test_course_award_slot_is_unique_per_learner():
    user = make_user()
    _entry(user, award_key="course-v1:A+B+C#1")
    with pytest.raises(IntegrityError), transaction.atomic():
        _entry(user, evidence_type="block_sessions", evidence_ref="s1", award_key="course-v1:A+B+C#1")


def test_course_spec_validates_course_key():
    spec = CourseCreditSpec(course_key="not a key", category="required", hours=2)
    with pytest.raises(ValidationError) as exc:
        spec.full_clean()
    assert "course_key" in exc.value.message_dict
    CourseCreditSpec(course_key="course-v1:Org+Num+Run", category="required", hours=2).full_clean()


def test_audit_rows_are_insert_only():
    row = AuditLog.objects.create(action="test", reason="why")
    with pytest.raises(AuditImmutableError):
        row.save()
    with pytest.raises(AuditImmutableError):
        row.delete()
