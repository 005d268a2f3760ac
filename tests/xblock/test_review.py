"""
Shared-device and multi-account review: from the block's flags to the unit console's
review list, an administrator's revocation, the registry record and the circular.

One process driving five real accounts at once from one client (Anhui Art. 8: one
person, one account) is flagged; nothing is revoked until the administrator of the
learners' unit decides, with a reason, on the review list.
"""
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cadre_credits_xblock.models import AttentionCheck, LearningSession
from cadre_policy_plugin import api
from cadre_policy_plugin.models import LedgerEntry, ReviewCase, UnitAdministrator
from cadre_policy_plugin.services import circular_exports, circulars
from sync_adapter.models import OutboxRecord
from tests.plugin.factories import make_profile, make_tree, make_user

from .runtime import COURSE, call, make_block
from .viewer import Viewer

pytestmark = pytest.mark.django_db

POOL = "? 数字政府建设首先要坚持什么理念？\n+ 以人民为中心\n- 以技术为中心\n- 以部门为中心\n- 以项目为中心"
FORM = {
    "display_name": "数字政府概述", "category": "elective", "hours": "1.5", "lecture_minutes": "",
    "topic": "knowledge", "exam_required": False, "media_kind": "video", "video_url": "/media/l1.mp4",
    "reading_text": "", "duration_seconds": "60", "checks_required": "1", "required_share": "0.95", "questions": POOL,
}
ONE_CLIENT = ("203.0.113.50", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 (one machine)")
REVIEW = "cadre_policy:console:review"


@pytest.fixture
def unit(db):
    tree = make_tree()
    admin = make_user("admin_county")  # no is_staff: the UnitAdministrator row is the grant
    UnitAdministrator.objects.create(user=admin, node=tree["county"])
    return tree, admin


def five_accounts_at_once(block_name, author, tree, clock, client=ONE_CLIENT):
    status, _ = call(make_block(block_name, author, studio=True), "studio_submit", FORM)
    assert status == 200
    learners = [make_profile(tree["a"], real_name=f"学员{i}").user for i in range(5)]
    viewers = [Viewer(block_name, user, clock, client=client) for user in learners]
    for viewer in viewers:
        viewer.start()
        clock.advance(1)
    done = [False] * 5
    while not all(done):  # one process, round robin: each account's heartbeat in turn
        for index, viewer in enumerate(viewers):
            if done[index]:
                continue
            _, body = viewer.beat(15)
            if viewer.check is not None:
                body = viewer.answer(seconds=4)
            done[index] = body["progress"]["completed"]
    return learners, viewers


def test_five_accounts_from_one_client_are_flagged_and_an_administrator_revokes_from_the_list(
        block_name, author, unit, clock, client):
    tree, admin = unit
    learners, viewers = five_accounts_at_once(block_name, author, tree, clock)
    # every account earned its hours: the flags revoked nothing by themselves
    awards = {user.id: LedgerEntry.objects.effective().get(user=user, course_key=str(COURSE)) for user in learners}
    assert all(entry.value_hours == D("1.50") for entry in awards.values())
    cases = ReviewCase.objects.filter(kind="shared_client")
    assert sorted(cases.values_list("user_id", flat=True)) == sorted(u.id for u in learners)
    assert all(case.status == "open" for case in cases)
    case = cases.get(user=learners[0])
    assert sorted(case.detail["accounts"]) == sorted(u.id for u in learners)
    assert ONE_CLIENT[0] not in str(case.detail) and "Chrome" not in str(case.detail)  # a digest, not the client

    client.force_login(admin)
    page = client.get(reverse(REVIEW), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert page.count('data-kind="shared_client"') == 5
    assert "5 个帐户在同一台设备（终端 " in page and "）上同时学习" in page
    assert all(user.username in page for user in learners)

    outbox_before = OutboxRecord.objects.count()
    response = client.post(reverse("cadre_policy:console:review-resolve", args=[case.pk]),
                           {"action": "revoke", "reason": "一人同时操作五个帐户代学"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.reason, case.resolved_by) == ("revoked", "一人同时操作五个帐户代学", admin)
    reversal = LedgerEntry.objects.get(reverses=awards[learners[0].id])
    assert reversal.value_hours == D("-1.50") and reversal.reason == "一人同时操作五个帐户代学"
    assert case.reversals == [str(reversal.uuid)] and case.revoked_hours == D("1.50")
    record = OutboxRecord.objects.get(entry_uuid=reversal.uuid)
    assert record.reverses_uuid == str(awards[learners[0].id].uuid)
    assert OutboxRecord.objects.count() == outbox_before + 1
    # the other four stay as they were until someone decides on them
    assert LedgerEntry.objects.filter(reverses__isnull=False).count() == 1
    assert ReviewCase.objects.filter(status="open", kind="shared_client").count() == 4

    circular = circulars.build_circular(tree["county"], timezone.localdate(case.resolved_at).year)
    assert [(line.real_name, line.hours) for line in circular.revoked] == [("学员0", D("1.50"))]
    text = circular_exports.to_text(circular)
    assert "学员0" in text and "一人同时操作五个帐户代学" in text and "撤销" in text
    assert circular.as_dict()["revoked"][0]["reason"] == "一人同时操作五个帐户代学"


def test_sessions_of_different_devices_or_one_account_alone_are_not_flagged(block_name, author, unit, clock):
    tree, _admin = unit
    call(make_block(block_name, author, studio=True), "studio_submit", FORM)
    first = make_profile(tree["a"]).user
    second = make_profile(tree["a"]).user
    Viewer(block_name, first, clock, client=("203.0.113.50", "Chrome (desk 1)")).start()
    Viewer(block_name, second, clock, client=("203.0.113.50", "Firefox (desk 2)")).start()  # same office NAT
    Viewer(block_name, first, clock, client=("198.51.100.9", "Chrome (desk 1)")).start()  # one account, new device
    assert not ReviewCase.objects.filter(kind="shared_client").exists()
    clock.advance(600)  # long after the first account's session went quiet
    Viewer(block_name, make_profile(tree["a"]).user, clock, client=("198.51.100.9", "Chrome (desk 1)")).start()
    assert not ReviewCase.objects.filter(kind="shared_client").exists()


def test_answers_faster_than_a_person_reads_and_uniform_timing_are_flagged_never_revoked(
        block_name, author, unit, clock):
    tree, _admin = unit
    call(make_block(block_name, author, studio=True), "studio_submit",
         {**FORM, "duration_seconds": "300", "checks_required": "5"})
    bot = make_profile(tree["a"]).user
    viewer = Viewer(block_name, bot, clock)
    viewer.start()
    answered = 0
    while answered < 5:
        viewer.beat(15)
        if viewer.check is not None:
            viewer.answer(seconds=0.3)  # a script answers at once, always in the same time
            answered += 1
    fast = ReviewCase.objects.get(user=bot, kind="fast_answers")
    assert len(fast.detail["checks"]) == 5
    assert {check["response_ms"] for check in fast.detail["checks"]} == {300}
    needed = 1200 + 40 * (len("数字政府建设首先要坚持什么理念？") + len("以人民为中心以技术为中心以部门为中心以项目为中心"))
    assert fast.detail["checks"][0]["needed_ms"] == needed
    uniform = ReviewCase.objects.get(user=bot, kind="uniform_timing")
    assert (uniform.detail["answers"], uniform.detail["lowest_ms"], uniform.detail["highest_ms"]) == (5, 300, 300)
    assert uniform.status == fast.status == "open"
    assert AttentionCheck.objects.filter(user=bot, outcome="passed").count() == 5

    person = make_profile(tree["a"]).user
    viewer = Viewer(block_name, person, clock, client=("198.51.100.20", "Firefox"))
    viewer.start()
    answered = 0
    for seconds in (6, 9, 4.5, 12, 7):
        while viewer.check is None:
            viewer.beat(15)
        viewer.answer(seconds=seconds)
    assert not ReviewCase.objects.filter(user=person).exists()


def test_the_review_list_shows_only_the_administrators_subtree_and_dismissing_changes_no_hours(
        block_name, author, unit, clock, client):
    tree, admin = unit
    learners, _viewers = five_accounts_at_once(block_name, author, tree, clock)
    other_admin = make_user()
    UnitAdministrator.objects.create(user=other_admin, node=tree["b"])  # the sibling unit: none of these learners
    client.force_login(other_admin)
    assert 'data-kind="shared_client"' not in client.get(reverse(REVIEW)).content.decode()
    case = ReviewCase.objects.filter(kind="shared_client").first()
    response = client.post(reverse("cadre_policy:console:review-resolve", args=[case.pk]),
                           {"action": "revoke", "reason": "x"})
    assert response.status_code == 404
    client.force_login(admin)
    client.post(reverse("cadre_policy:console:review-resolve", args=[case.pk]), {"action": "revoke", "reason": " "})
    case.refresh_from_db()
    assert case.status == "open"  # no reason, no decision
    client.post(reverse("cadre_policy:console:review-resolve", args=[case.pk]),
                {"action": "dismiss", "reason": "同一办公室共用电脑，已核实本人学习"})
    case.refresh_from_db()
    assert case.status == "dismissed"
    assert not LedgerEntry.objects.filter(reverses__isnull=False).exists()
    staff = make_user(is_staff=True)  # Open edX global staff is no unit administrator
    client.force_login(staff)
    assert client.get(reverse(REVIEW)).status_code == 403


def test_client_data_is_kept_for_the_retention_then_blanked(block_name, author, unit, clock, settings):
    tree, _admin = unit
    call(make_block(block_name, author, studio=True), "studio_submit", FORM)
    Viewer(block_name, make_profile(tree["a"]).user, clock, client=ONE_CLIENT).start()
    session = LearningSession.objects.get()
    assert (session.client_address, session.user_agent) == ONE_CLIENT
    out = StringIO()
    call_command("cadre_credits_purge_client_data", stdout=out)
    assert "blanked the client data of 0 session(s)" in out.getvalue()
    settings.CADRE_CREDITS = {**settings.CADRE_CREDITS, "CLIENT_DATA_RETENTION_DAYS": 30}
    clock.advance(31 * 24 * 3600)
    call_command("cadre_credits_purge_client_data", "--dry-run", stdout=out)
    assert "would blank the client data of 1 session(s)" in out.getvalue()
    call_command("cadre_credits_purge_client_data", stdout=out)
    session.refresh_from_db()
    assert (session.client_address, session.user_agent) == (None, "")
    assert session.credited_seconds == D(0) and session.token_id  # the evidence itself stays


def test_the_client_address_and_browser_never_reach_the_logs(block_name, author, unit, clock, caplog):
    tree, _admin = unit
    caplog.set_level("DEBUG")
    five_accounts_at_once(block_name, author, tree, clock)
    assert ONE_CLIENT[0] not in caplog.text and "one machine" not in caplog.text
    assert api.report_suspicious_session  # the door the block used
