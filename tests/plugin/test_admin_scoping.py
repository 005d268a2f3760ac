"""
The Django admin, scoped: an administrator of unit A cannot see or change anything of
sibling unit B, and every change is audited.
"""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cadre_policy_plugin import api
from cadre_policy_plugin.models import AuditLog, LearnerProfile, LedgerEntry
from tests.plugin.factories import make_admin, make_id_number, make_profile, make_tree, make_user

pytestmark = pytest.mark.django_db

COURSE = "course-v1:AnhuiAcademy+Admin1+2026"


@pytest.fixture
def world():
    tree = make_tree()
    api.set_course_credit_spec(COURSE, category="elective", hours=Decimal("5"))
    in_a = make_profile(tree["a"], real_name="甲单位学员")
    in_b = make_profile(tree["b"], real_name="乙单位学员")
    entry_b = api.award_course_hours(in_b.user, COURSE, evidence_type="certificate", evidence_ref=COURSE,
                                     earned_on=date(2026, 5, 1))
    entry_a = api.award_course_hours(in_a.user, COURSE, evidence_type="certificate", evidence_ref=COURSE,
                                     earned_on=date(2026, 5, 1))
    return {"tree": tree, "a": in_a, "b": in_b, "entry_a": entry_a, "entry_b": entry_b,
            "admin_a": make_admin(tree["a"], "admin_a", is_staff=True)}


def url(name, *args):
    return reverse(f"admin:cadre_policy_{name}", args=args)


def test_changelists_show_only_the_subtree(client, world):
    client.force_login(world["admin_a"])
    body = client.get(url("learnerprofile_changelist")).content.decode()
    assert "甲单位学员" in body and "乙单位学员" not in body
    assert world["a"].id_number not in body and world["a"].masked_id_number in body
    ledger = client.get(url("ledgerentry_changelist")).content.decode()
    row_b = LedgerEntry.objects.get(uuid=world["entry_b"].uuid)
    assert f"/{row_b.pk}/change/" not in ledger


def test_sibling_objects_are_not_found(client, world):
    client.force_login(world["admin_a"])
    b = world["b"]
    for name, pk in (("learnerprofile_change", b.pk),
                     ("ledgerentry_change", LedgerEntry.objects.get(uuid=world["entry_b"].uuid).pk),
                     ("orgnode_change", world["tree"]["b"].pk)):
        response = client.get(url(name, pk))
        assert response.status_code == 302 and response.url == reverse("admin:index")
        assert "乙单位学员" not in client.get(response.url).content.decode()
    response = client.post(url("learnerprofile_change", b.pk), {"real_name": "改名", "rank": "staff"})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.real_name == "乙单位学员"


def test_revoke_action_in_scope_only_and_with_reason(client, world):
    client.force_login(world["admin_a"])
    row_a = LedgerEntry.objects.get(uuid=world["entry_a"].uuid)
    row_b = LedgerEntry.objects.get(uuid=world["entry_b"].uuid)
    changelist = url("ledgerentry_changelist")
    page = client.post(changelist, {"action": "revoke", "_selected_action": [row_a.pk]})
    assert page.status_code == 200 and "reason" in page.content.decode()
    client.post(changelist, {"action": "revoke", "_selected_action": [row_a.pk, row_b.pk], "apply": "1",
                             "reason": "挂机学习 (hang-up learning) found in the session log"})
    assert LedgerEntry.objects.filter(reverses=row_a).exists()
    assert not LedgerEntry.objects.filter(reverses=row_b).exists()
    log = AuditLog.objects.get(action="ledger.revoke")
    assert log.actor == world["admin_a"] and "挂机" in log.reason
    no_reason = client.post(changelist, {"action": "revoke", "_selected_action": [row_a.pk], "apply": "1",
                                         "reason": ""})
    assert no_reason.status_code == 200


def test_add_entry_through_the_admin_runs_the_api(client, world):
    client.force_login(world["admin_a"])
    data = {"user": world["a"].user.pk, "source": "lecturing", "category": "elective", "minutes": "90",
            "earned_on": "2026-06-01", "reason": "为本单位授课一次", "evidence_ref": "", "course_key": ""}
    response = client.post(url("ledgerentry_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LedgerEntry.objects.get(source="lecturing")
    assert entry.entered_by == world["admin_a"] and entry.value_hours == Decimal("2.00")
    assert AuditLog.objects.filter(action="ledger.add", learner=world["a"].user).exists()
    # the learner of unit B is not even a choice
    response = client.post(url("ledgerentry_add"), {**data, "user": world["b"].user.pk})
    assert response.status_code == 200 and not LedgerEntry.objects.filter(user=world["b"].user,
                                                                          source="lecturing").exists()
    # a shape the rules refuse is a form error (Anhui needs a category for live classes)
    response = client.post(url("ledgerentry_add"), {**data, "source": "live_class", "category": ""})
    assert response.status_code == 200 and "errornote" in response.content.decode()


def test_profile_add_and_change_are_audited_and_masked(client, world):
    client.force_login(world["admin_a"])
    newcomer = make_user()
    number = make_id_number()
    response = client.post(url("learnerprofile_add"), {
        "user": newcomer.pk, "real_name": "新学员", "id_number": number, "mobile": "13912345678",
        "rank": "staff", "unit": world["tree"]["a"].pk, "status": "active", "political_status": "", "post": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = LearnerProfile.objects.get(user=newcomer)
    page = client.get(url("learnerprofile_change", profile.pk)).content.decode()
    assert number not in page and profile.masked_id_number in page
    assert AuditLog.objects.get(action="profile.add").detail["id_number"] == profile.masked_id_number
    assert number not in str(list(AuditLog.objects.values_list("detail", flat=True)))
    # a unit outside the subtree is refused
    other = make_user()
    response = client.post(url("learnerprofile_add"), {
        "user": other.pk, "real_name": "越权", "id_number": make_id_number(), "rank": "staff",
        "unit": world["tree"]["b"].pk, "status": "active"})
    assert response.status_code == 200 and not LearnerProfile.objects.filter(user=other).exists()


def test_approve_action(client, world):
    pending = make_profile(world["tree"]["a"], approved=False)
    client.force_login(world["admin_a"])
    client.post(url("learnerprofile_changelist"), {"action": "approve", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.approved and AuditLog.objects.filter(action="profile.approve").exists()


def test_nothing_for_staff_without_a_node(client, world):
    client.force_login(make_user(is_staff=True))
    assert client.get(url("learnerprofile_changelist")).status_code == 403
