"""
The block driven through a real XBlock runtime: every case asserts exact seconds.

Each test is a learner's script (heartbeats every 15 s of server time unless said
otherwise) against the block's JSON handlers, the session tables and the policy
plugin's api, on whichever database ``CADRE_TEST_DB`` selects.
"""
from decimal import Decimal as D

import pytest
from django.core import signing
from django.db import connection

from cadre_credits_xblock.models import BlockProgress, LearnerClock, LearningSession

from .runtime import make_block
from .viewer import Viewer

pytestmark = pytest.mark.django_db


def verified(user, viewer):
    return BlockProgress.objects.get(user=user, usage_key=viewer.block.scope_ids.usage_id).verified_seconds


def test_watching_at_1x_earns_wall_time_exactly(lecture, block_name, learner, clock):
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    body = viewer.watch(300)
    assert body["credited"] == "15.000"
    assert verified(learner, viewer) == D("300.000")
    assert body["progress"]["verified_seconds"] == "300.000"


def test_watching_the_whole_lecture_with_checks_answered_earns_its_minutes(block_name, author, learner, clock):
    make_block(block_name, author, duration_seconds=600, checks_required=2, video_url="/media/l1.mp4")
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    done = viewer.watch_until_complete()
    assert done["progress"]["checks_passed"] == 2
    assert D(done["progress"]["verified_seconds"]) >= D(570)
    viewer.watch(60)
    assert verified(learner, viewer) == D("600.000")
    session = LearningSession.objects.get(user=learner)
    assert session.credited_seconds == D("600.000")
    assert session.voided_seconds == D(0)
    assert viewer.published == [("completion", {"completion": 1.0})]


def test_2x_earns_at_most_what_1x_allows(lecture, block_name, learner, clock):
    honest = Viewer(block_name, learner, clock)
    honest.start()
    honest.watch(120)
    assert verified(learner, honest) == D("120.000")

    other = make_block(block_name + "_b", None, duration_seconds=600, checks_required=0, video_url="/media/l2.mp4")
    fast = Viewer(block_name + "_b", learner, clock)
    assert fast.block.scope_ids.usage_id == other.scope_ids.usage_id
    fast.start()
    bodies = [fast.beat(15, rate=2)[1] for _ in range(8)]  # the same 120 s of wall time at 2x
    assert [b["credited"] for b in bodies] == ["15.000"] + ["0.000"] * 7
    assert "too_fast" in bodies[0]["reasons"]
    assert "ahead_of_frontier" in bodies[1]["reasons"]
    assert bodies[1]["resume_at"] == 15.0
    assert verified(learner, fast) == D("15.000")


def test_dragging_to_the_end_earns_nothing_for_the_skipped_part(lecture, block_name, learner, clock):
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    viewer.watch(60)
    _, dragged = viewer.beat(15, to=600)
    assert dragged["credited"] == "15.000"  # the interval's own wall time, not the 525 s skipped
    for _ in range(4):
        _, body = viewer.beat(15, to=600)
        assert body["credited"] == "0.000"
    assert verified(learner, viewer) == D("75.000")
    assert viewer.published == []


def test_a_second_session_voids_the_first(lecture, block_name, learner, clock):
    laptop = Viewer(block_name, learner, clock)
    laptop.start()
    laptop.watch(30)
    make_block(block_name + "_2", None, duration_seconds=600, checks_required=0, video_url="/media/l2.mp4")
    phone = Viewer(block_name + "_2", learner, clock)
    phone.start()
    status, late = laptop.beat(15)
    assert status == 200
    assert late["ok"] is False and late["live"] is False
    assert late["credited"] == "0.000"
    assert late["reasons"] == ["superseded"]
    # 30 s of wall time since the phone started, but its player only advanced 15 s
    assert phone.beat(15)[1]["credited"] == "15.000"
    assert verified(learner, laptop) == D("30.000")
    assert verified(learner, phone) == D("15.000")
    assert LearningSession.objects.filter(user=learner, status=LearningSession.LIVE).count() == 1
    assert LearnerClock.objects.get(user=learner).session.token_id == signing.loads(
        phone.token, salt="cadre_credits.session")["s"]
    assert LearningSession.objects.get(token_id=signing.loads(laptop.token, salt="cadre_credits.session")["s"]) \
        .refused_requests == 1


def test_replayed_and_reordered_heartbeats_earn_nothing(lecture, block_name, learner, clock):
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    viewer.watch(30)
    assert viewer.seq == 2
    _, replay = viewer.beat(15, seq=2)
    assert (replay["ok"], replay["credited"], replay["reasons"]) == (False, "0.000", ["replayed"])
    _, older = viewer.beat(15, seq=1)
    assert (older["ok"], older["credited"]) == (False, "0.000")
    assert verified(learner, viewer) == D("30.000")
    # the next genuine heartbeat covers the wall time since the last accepted one, capped at 30 s
    _, genuine = viewer.beat(15, seq=3)
    assert genuine["credited"] == "30.000"


def test_forged_tokens_are_refused(lecture, block_name, learner, clock, caplog):
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    viewer.watch(15)
    tampered = viewer.token[:-2] + ("AA" if not viewer.token.endswith("AA") else "BB")
    status, body = viewer.beat(15, token=tampered)
    assert (status, body) == (403, {"error": "forged"})
    payload = signing.loads(viewer.token, salt="cadre_credits.session")
    unsigned = signing.dumps({**payload, "u": payload["u"]}, salt="another-salt")
    assert viewer.beat(15, token=unsigned)[0] == 403
    someone_else = signing.dumps({**payload, "u": payload["u"] + 1000}, salt="cadre_credits.session")
    assert viewer.beat(15, token=someone_else) == (403, {"error": "forged"})
    other_block = signing.dumps({**payload, "b": payload["b"] + "x"}, salt="cadre_credits.session")
    assert viewer.beat(15, token=other_block) == (403, {"error": "forged"})
    assert verified(learner, viewer) == D("15.000")
    assert "forged session token" in caplog.text
    assert viewer.token not in caplog.text


def test_a_token_of_another_learner_is_refused(lecture, block_name, learner, clock):
    from tests.plugin.factories import make_user

    mallory = make_user()
    victim = Viewer(block_name, learner, clock)
    victim.start()
    thief = Viewer(block_name, mallory, clock)
    thief.token = victim.token
    assert thief.beat(15)[0] == 403
    assert not BlockProgress.objects.filter(user=mallory).exists()


def test_hidden_tab_and_idle_time_earn_nothing(lecture, block_name, learner, clock):
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    viewer.watch(30)
    # hidden: the client pauses the player, so the position does not move
    hidden = [viewer.beat(15, visible=False, advance=False)[1] for _ in range(4)]
    assert [b["credited"] for b in hidden] == ["0.000"] * 4
    assert hidden[0]["messages"][0]["code"] == "hidden"
    assert viewer.beat(15)[1]["credited"] == "15.000"
    # idle: 600 s allowed without input; a heartbeat reporting 610 s idle earns 15 - 10
    assert viewer.beat(15, idle=595)[1]["credited"] == "15.000"
    assert viewer.beat(15, idle=610)[1]["credited"] == "5.000"
    assert viewer.beat(15, idle=625)[1]["credited"] == "0.000"
    assert verified(learner, viewer) == D("65.000")


def test_an_unanswered_check_voids_its_interval(block_name, author, learner, clock):
    make_block(block_name, author, duration_seconds=600, checks_required=2, video_url="/media/l1.mp4")
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    credited = D(0)
    while viewer.check is None:
        credited += D(viewer.beat(15)[1]["credited"])
    check_at = verified(learner, viewer)
    assert credited == check_at
    assert viewer.check["expires_in"] == 60
    assert "answer" not in viewer.check
    pending = [viewer.beat(15)[1] for _ in range(4)]
    assert [b["reasons"] for b in pending] == [["check_pending"]] * 4
    _, expired = viewer.beat(15)
    assert expired["reasons"] == ["check_expired"]
    assert D(expired["voided"]) == check_at
    assert expired["resume_at"] == 0.0
    assert verified(learner, viewer) == D(0)
    session = LearningSession.objects.get(user=learner)
    assert session.credited_seconds - session.voided_seconds == D(0)


def test_a_wrong_answer_voids_the_time_since_the_previous_passed_check(block_name, author, learner, clock):
    make_block(block_name, author, duration_seconds=600, checks_required=3, video_url="/media/l1.mp4")
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    while viewer.check is None:
        viewer.beat(15)
    assert viewer.answer(correct=True)["passed"] is True
    first = verified(learner, viewer)
    while viewer.check is None:
        viewer.beat(15)
    second = verified(learner, viewer)
    failed = viewer.answer(correct=False)
    assert failed["passed"] is False
    assert failed["reasons"] == ["check_wrong"]
    assert D(failed["voided"]) == second - first
    assert verified(learner, viewer) == first
    assert failed["resume_at"] == float(first)


def test_daily_cap_and_allowed_speed_come_from_the_learners_policy(block_name, author, clock):
    from tests.plugin.factories import make_profile, make_tree

    tree = make_tree()
    tree["a"].overlay = (
        "extends: anhui-2019\ntitle: {zh-Hans: 测试单位细则, en: test unit rules}\n"
        "document: {title: 测试细则}\n"
        "learning:\n"
        "  max_playback_rate: {value: '1.5', cite: 测试细则第一条}\n"
        "  daily_cap_minutes: {value: 2, cite: 测试细则第二条}\n"
    )
    tree["a"].save()
    cadre = make_profile(tree["a"]).user
    make_block(block_name, author, duration_seconds=600, checks_required=0, video_url="/media/l1.mp4")
    viewer = Viewer(block_name, cadre, clock)
    started = viewer.start()
    assert started["max_playback_rate"] == 1.5
    bodies = [viewer.beat(15, rate=D("1.5"))[1] for _ in range(8)]
    assert [b["credited"] for b in bodies] == ["22.500"] * 5 + ["7.500", "0.000", "0.000"]
    assert bodies[5]["reasons"] == ["daily_cap"]
    assert verified(cadre, viewer) == D("120.000")
    clock.advance(24 * 3600)  # the next day the cap starts again
    viewer.start(position=120)
    assert viewer.beat(15, rate=D("1.5"))[1]["credited"] == "22.500"


def test_anonymous_learners_cannot_start_sessions(lecture, block_name, clock):
    from .runtime import call

    block = make_block(block_name, None)
    assert call(block, "start_session", {}) == (401, {"error": "anonymous"})


def test_malformed_heartbeats_are_rejected(lecture, block_name, learner, clock):
    from .runtime import call

    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    status, body = call(viewer.block, "heartbeat", {"token": viewer.token, "seq": "x", "position": 1})
    assert (status, body) == (400, {"error": "bad_seq"})
    status, body = call(viewer.block, "heartbeat", {"token": viewer.token, "seq": 1, "position": "NaN"})
    assert (status, body) == (400, {"error": "bad_position"})


def test_a_credited_heartbeat_is_one_locking_read_and_two_writes(lecture, block_name, learner, clock,
                                                                  django_assert_num_queries):
    """The cost the benchmark compares with submit_completion (savepoint and release included)."""
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    viewer.beat(15)
    with django_assert_num_queries(5) as captured:
        assert viewer.beat(15)[1]["credited"] == "15.000"
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    assert statements == ["SAVEPOINT", "SELECT", "UPDATE", "UPDATE", "RELEASE"]
    assert "FOR UPDATE" in captured.captured_queries[1]["sql"] or connection.vendor == "sqlite"


def test_a_report_that_failed_is_caught_up_by_the_command(lecture, block_name, learner, clock, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from cadre_credits_xblock import policy
    from cadre_policy_plugin import api

    def plugin_down(*args, **kwargs):
        raise ConnectionError("plugin down")

    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    with monkeypatch.context() as patch:
        patch.setattr(policy, "report_verified", plugin_down)
        viewer.watch(600)
    row = BlockProgress.objects.get(user=learner)
    assert row.completed is not None and row.reported is None
    assert viewer.published == [("completion", {"completion": 1.0})] * len(viewer.published)
    out = StringIO()
    call_command("cadre_credits_report_verified", stdout=out)
    assert out.getvalue().strip() == "reported 1 verified block(s); 0 failed"
    row.refresh_from_db()
    assert row.reported is not None
    assert api.verified_seconds_for_course(learner, row.course_key) == 600


def test_a_block_without_a_duration_never_starts_or_completes(block_name, author, learner, clock):
    from .runtime import call

    make_block(block_name, author, duration_seconds=0, checks_required=0, video_url="/media/x.mp4")
    block = make_block(block_name, learner)
    assert call(block, "start_session", {}) == (409, {"error": "not_configured"})
    assert not BlockProgress.objects.filter(user=learner).exists()
