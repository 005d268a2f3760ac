"""REST API: own file for learners, scoped reports and writes for administrators."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cadre_policy_plugin import api
from cadre_policy_plugin.models import LedgerEntry
from tests.plugin.factories import make_admin, make_profile, make_tree, make_user

pytestmark = pytest.mark.django_db

COURSE = "course-v1:AnhuiAcademy+Rest1+2026"


@pytest.fixture
def world():
    tree = make_tree()
    api.set_course_credit_spec(COURSE, category="elective", hours=Decimal("7.5"))
    a = make_profile(tree["a"], real_name="甲")
    b = make_profile(tree["b"], real_name="乙")
    entry_b = api.award_course_hours(b.user, COURSE, evidence_type="certificate", evidence_ref=COURSE,
                                     earned_on=date(2026, 5, 1))
    return {"tree": tree, "a": a, "b": b, "entry_b": entry_b, "admin_a": make_admin(tree["a"]),
            "admin_county": make_admin(tree["county"])}


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def u(name, *args):
    return reverse(f"cadre_policy:{name}", args=args)


def test_learner_reads_own_file_with_exact_decimals(world):
    b = world["b"]
    response = client_for(b.user).get(u("api-my-file"), {"year": 2026})
    assert response.status_code == 200
    body = response.json()
    assert body["profile"]["id_number"] == b.masked_id_number and b.id_number not in response.content.decode()
    assert body["entries"][0]["hours"] == "7.50" and body["entries"][0]["counted"] is True
    status = client_for(b.user).get(u("api-my-status"), {"year": 2026}).json()
    assert status == {"year": 2026, "unit": "hours", "total_needed": "50", "total_earned": "7.50",
                      "required_needed": None, "required_earned": None, "met": False}


def test_anonymous_and_profileless_get_nothing(world):
    assert client_for(None).get(u("api-my-file")).status_code in (401, 403)
    assert client_for(make_user()).get(u("api-my-file")).status_code == 404
    assert client_for(world["a"].user).get(u("api-my-file"), {"year": "20x6"}).status_code == 400


def test_learners_cannot_use_administrator_endpoints(world):
    learner = client_for(world["a"].user)
    assert learner.get(u("api-unit-summary", "AH-HF-SX-A")).status_code == 403
    assert learner.get(u("api-learner-file", world["b"].user_id)).status_code == 403
    assert learner.post(u("api-revoke-entry", world["entry_b"].uuid), {"reason": "x"}).status_code == 403


def test_admin_of_a_cannot_read_or_change_sibling_b(world):
    admin_a = client_for(world["admin_a"])
    b = world["b"]
    for response in (
        admin_a.get(u("api-unit-summary", "AH-HF-SX-B")),
        admin_a.get(u("api-unit-learners", "AH-HF-SX-B")),
        admin_a.get(u("api-unit-summary", "AH-HF-SX")),  # the parent county is above A's node
        admin_a.get(u("api-learner-file", b.user_id)),
        admin_a.post(u("api-learner-entries", b.user_id), {"source": "lecturing", "category": "elective",
                                                          "minutes": "45", "earned_on": "2026-06-01",
                                                          "reason": "x"}, format="json"),
        admin_a.post(u("api-revoke-entry", world["entry_b"].uuid), {"reason": "x"}, format="json"),
    ):
        assert response.status_code == 404
        assert "乙" not in response.content.decode()
    assert LedgerEntry.objects.filter(user=b.user).count() == 1


def test_county_admin_sees_the_subtree(world):
    county = client_for(world["admin_county"])
    summary = county.get(u("api-unit-summary", "AH-HF-SX"), {"year": 2026}).json()
    assert summary["learners_total"] == 2 and summary["learners_met"] == 0 and "learners" not in summary
    learners = county.get(u("api-unit-learners", "AH-HF-SX"), {"year": 2026}).json()["learners"]
    assert {row["real_name"] for row in learners} == {"甲", "乙"}
    assert all("*" in row["id_number"] for row in learners)
    file_b = county.get(u("api-learner-file", world["b"].user_id), {"year": 2026}).json()
    assert file_b["status"]["requirements"][0]["earned"] == "7.5"  # the engine's own formatting


def test_admin_adds_and_revokes_in_scope(world):
    admin_a = client_for(world["admin_a"])
    a = world["a"]
    response = admin_a.post(u("api-learner-entries", a.user_id), {
        "source": "live_class", "category": "required", "minutes": "135", "earned_on": "2026-06-01",
        "reason": "直播课堂签到表 No. 17", "evidence_ref": "live-2026-06-01"}, format="json")
    assert response.status_code == 201, response.content
    entry = response.json()
    assert entry["hours"] == "3.00" and entry["entered_by_id"] == world["admin_a"].pk
    again = admin_a.post(u("api-learner-entries", a.user_id), {
        "source": "live_class", "category": "required", "minutes": "135", "earned_on": "2026-06-01",
        "reason": "twice", "evidence_ref": "live-2026-06-01"}, format="json")
    assert again.status_code == 409
    refused = admin_a.post(u("api-learner-entries", a.user_id), {
        "source": "live_class", "minutes": "135", "earned_on": "2026-06-01", "reason": "no category"},
        format="json")
    assert refused.status_code == 400
    no_reason = admin_a.post(u("api-revoke-entry", entry["uuid"]), {"reason": ""}, format="json")
    assert no_reason.status_code == 400
    revoked = admin_a.post(u("api-revoke-entry", entry["uuid"]), {"reason": "签到表有误"}, format="json")
    assert revoked.status_code == 201 and revoked.json()["hours"] == "-3.00"
