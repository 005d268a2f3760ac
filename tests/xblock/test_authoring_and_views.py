"""
Studio authoring, the learner's view, student_view_data, and the award of the course
hours through the policy plugin's api once every credit block is verified.
"""
import json
from decimal import Decimal as D

import pytest
from django.utils import translation

from cadre_policy_plugin import api
from tests.plugin.factories import make_profile, make_tree

from .runtime import COURSE, call, make_block
from .viewer import Viewer

pytestmark = pytest.mark.django_db

FORM = {
    "display_name": "党史第一讲", "category": "required", "hours": "2", "lecture_minutes": "",
    "topic": "party_spirit", "exam_required": False, "media_kind": "video",
    "video_url": "https://media.example.org/l1.mp4", "reading_text": "", "duration_seconds": "600",
    "checks_required": "1", "required_share": "0.95",
}


def test_studio_save_stores_the_course_spec_through_the_api_and_registers_the_block(block_name, author):
    block = make_block(block_name, author, studio=True)
    status, body = call(block, "studio_submit", FORM)
    assert (status, body) == (200, {"result": "success", "required_seconds": 570, "questions": 0})
    spec = api.get_course_credit_spec(COURSE)
    assert (spec.category, spec.hours, spec.topic, spec.exam_required) == ("required", D("2.00"), "party_spirit", False)
    assert (block.duration_seconds, block.checks_required, block.required_share) == (600, 1, "0.95")
    # the block is registered: the course is not verified for a learner who has not watched it
    assert api.course_verification_complete(make_profile(make_tree()["a"]).user, COURSE) is False


def test_only_course_staff_may_change_what_a_course_is_worth(block_name, author, learner):
    call(make_block(block_name, author, studio=True), "studio_submit", FORM)
    status, body = call(make_block(block_name, learner, studio=True, course_staff=False), "studio_submit",
                        {**FORM, "hours": "200"})
    assert (status, body) == (403, {"error": "staff only"})
    assert api.get_course_credit_spec(COURSE).hours == D("2.00")


@pytest.mark.parametrize(("change", "message"), [
    ({"category": "optional"}, "请选择必修或选修。"),
    # the same sentence as the policy plugin's: its catalogue (installed first) wins
    ({"hours": "", "lecture_minutes": ""}, translation.gettext_lazy("Give the course's hours or its lecture minutes.")),
    ({"hours": "two"}, "学时必须是数字。"),
    ({"duration_seconds": "0"}, "时长必须大于零秒。"),
    ({"checks_required": "99"}, "注意力检查次数须在 0 到 20 之间。"),
    ({"required_share": "1.5"}, "比例必须大于 0 且不超过 1。"),
    ({"video_url": "javascript:alert(1)"}, "请填写视频地址（http://、https:// 或以 / 开头的路径）。"),
    ({"media_kind": "reading", "reading_text": "  "}, "请填写阅读文本。"),
])
def test_studio_refuses_wrong_values_with_a_translated_message(block_name, author, change, message):
    block = make_block(block_name, author, studio=True)
    with translation.override("zh-hans"):
        status, body = call(block, "studio_submit", {**FORM, **change})
        assert (status, body) == (400, {"error": str(message)})
    assert not body["error"].isascii()
    assert api.get_course_credit_spec(COURSE) is None


def test_studio_view_is_a_labelled_form_and_author_view_summarises(block_name, author):
    block = make_block(block_name, author, studio=True)
    call(block, "studio_submit", FORM)
    with translation.override("zh-hans"):
        html = block.runtime.render(block, "studio_view").content
        summary = block.runtime.render(block, "author_view").content
    for field_id in ("cc-category", "cc-hours", "cc-topic", "cc-exam", "cc-video-url", "cc-duration", "cc-checks",
                     "cc-share"):
        assert f'for="{field_id}"' in html and f'id="{field_id}"' in html
    assert 'value="party_spirit" selected' in html
    assert "必修 · 2 学时 · 党性教育" in summary
    with translation.override("en"):
        summary = block.runtime.render(block, "author_view").content
    assert "Required · 2 hours · Party spirit" in summary


def test_student_view_shows_media_progress_year_line_and_live_region(block_name, author, clock):
    tree = make_tree("fujian-2017")
    cadre = make_profile(tree["a"], rank="county").user
    make_block(block_name, author, **{"duration_seconds": 600, "checks_required": 0,
                                      "video_url": "https://media.example.org/l1.mp4"})
    viewer = Viewer(block_name, cadre, clock)
    viewer.start()
    viewer.watch(60)
    with translation.override("zh-hans"):
        html = viewer.block.runtime.render(viewer.block, "student_view").content
    assert '<video class="cc-video" controls' in html
    assert 'src="https://media.example.org/l1.mp4"' in html
    assert 'role="status" aria-live="polite"' in html
    assert 'role="dialog" aria-modal="true"' in html
    assert "已验证 1:00 / 9:30（分:秒）" in html
    assert "本年度已完成 0 / 50 学时，其中必修 0 / 25" in html
    with translation.override("en"):
        html = viewer.block.runtime.render(viewer.block, "student_view").content
    assert "Verified 1:00 of 9:30 (minutes:seconds)" in html
    assert "This year: 0 / 50 hours completed, of which required 0 / 25" in html


def test_reading_block_shows_the_text(block_name, author, learner):
    make_block(block_name, author, media_kind="reading", reading_text="第一段。\n\n第二段。", duration_seconds=300)
    block = make_block(block_name, learner)
    html = block.runtime.render(block, "student_view").content
    assert '<article class="cc-reading" tabindex="0"' in html
    assert "<p>第一段。</p>" in html


def test_student_view_data_is_the_documented_contract(block_name, author):
    block = make_block(block_name, author, studio=True)
    call(block, "studio_submit", FORM)
    assert block.student_view_data() == {
        "display_name": "党史第一讲",
        "media": {"kind": "video", "video_url": "https://media.example.org/l1.mp4", "reading_text": "",
                  "duration_seconds": 600},
        "required_share": "0.95",
        "required_seconds": 570,
        "checks_required": 1,
        "course": {"category": "required", "hours": "2", "lecture_minutes": None, "topic": "party_spirit",
                   "exam_required": False, "lecturer": ""},
        "learner": {"progress": {"verified_seconds": "0.000", "required_seconds": "570.000", "duration_seconds": "600",
                                 "checks_passed": 0, "checks_required": 1, "completed": False, "percent": 0,
                                 "text": "已验证 0:00 / 9:30（分:秒）"},
                    "year": None},  # the author has no learner profile
        "protocol": {"version": 1, "heartbeat_interval": 15,
                     "handlers": ["start_session", "heartbeat", "answer_check", "check_picture"]},
    }


def test_student_view_data_gives_the_mobile_app_the_learners_year_as_on_the_learner_home(
        block_name, author, clock):
    # The server clock (conftest START) is 5 March 2026, 09:00 in Shanghai.
    tree = make_tree("anhui-2019")
    cadre = make_profile(tree["a"], rank="county").user
    block = make_block(block_name, author, studio=True)
    call(block, "studio_submit", {**FORM, "duration_seconds": "60", "checks_required": "0"})
    viewer = Viewer(block_name, cadre, clock)
    viewer.start()
    viewer.watch(30)
    data = viewer.block.student_view_data()
    assert data["learner"]["progress"]["verified_seconds"] == "30.000"
    year = data["learner"]["year"]
    assert year["year"] == 2026 and year["unit"] == "hours" and year["met"] is False
    assert [(r["key"], r["needed"], r["earned"]) for r in year["requirements"]] == [("total", "50", "0")]
    assert year["calendar"]["kind"] == "year" and year["calendar"]["days_left"] == 241
    assert year["calendar"]["end"] == "2026-10-31" and year["calendar"]["makeup_end"] == "2026-11-30"
    json.dumps(data)  # plain JSON all the way down


def test_verifying_every_block_awards_the_course_hours_once(block_name, author, clock):
    tree = make_tree("fujian-2017")
    cadre = make_profile(tree["a"], rank="county").user
    first = make_block(block_name, author, studio=True)
    call(first, "studio_submit", {**FORM, "duration_seconds": "300", "checks_required": "1"})
    second = make_block(block_name + "_2", author, studio=True)
    call(second, "studio_submit", {**FORM, "duration_seconds": "120", "checks_required": "0"})

    one = Viewer(block_name, cadre, clock)
    one.start()
    done = one.watch_until_complete()
    assert one.published == [("completion", {"completion": 1.0})]
    assert api.course_verification_complete(cadre, COURSE) is False  # the second block is still open
    assert api.learner_year_summary(cadre)["total_earned"] == D(0)
    assert done["year"]["text"] == "本年度已完成 0 / 50 学时，其中必修 0 / 25"

    two = Viewer(block_name + "_2", cadre, clock)
    two.start()
    done = two.watch_until_complete()
    assert two.published == [("completion", {"completion": 1.0})]
    assert api.course_verification_complete(cadre, COURSE) is True
    summary = api.learner_year_summary(cadre)
    assert (summary["total_earned"], summary["required_earned"]) == (D(2), D(2))
    assert done["year"]["text"] == "本年度已完成 2 / 50 学时，其中必修 2 / 25"
    # further heartbeats neither publish nor award again
    two.watch(30)
    assert two.published == [("completion", {"completion": 1.0})]
    assert api.learner_year_summary(cadre)["total_earned"] == D(2)


def test_year_line_without_a_required_quota_says_only_the_total(block_name, author, clock):
    """Anhui's base pack sets no required share: the line leaves the required part out."""
    cadre = make_profile(make_tree("anhui-2019")["a"]).user
    make_block(block_name, author, duration_seconds=60, checks_required=0, video_url="/media/x.mp4")
    block = make_block(block_name, cadre)
    with translation.override("zh-hans"):
        html = block.runtime.render(block, "student_view").content
    assert "本年度已完成 0 / 50 学时</p>" in html


@pytest.mark.now("2026-12-02T09:00:00+08:00")
def test_in_anhuis_december_the_lecture_warns_before_play_that_hours_count_for_no_year(block_name, author):
    cadre = make_profile(make_tree("anhui-2019")["a"]).user
    make_block(block_name, author, duration_seconds=600, checks_required=0, video_url="/media/x.mp4")
    block = make_block(block_name, cadre)
    with translation.override("zh-hans"):
        html = block.runtime.render(block, "student_view").content
    notice = html.index('class="cc-calendar cc-calendar-gap cc-calendar-warning"')
    assert notice < html.index("<video")  # before the player: the learner knows before pressing play
    assert 'role="alert"' in html[notice:html.index("<video")]
    assert "当前不在任何学年内：现在学习获得的学时不计入任何学年。" in html
    assert "2027学年于2027年1月1日开始。" in html
    with translation.override("en"):
        html = block.runtime.render(block, "student_view").content
    assert "No academic year is open: hours you earn now count for no year." in html


@pytest.mark.now("2027-11-03T09:00:00+08:00")
def test_in_the_make_up_month_the_lecture_says_it_is_one(block_name, author):
    cadre = make_profile(make_tree("anhui-2019")["a"]).user
    make_block(block_name, author, duration_seconds=600, checks_required=0, video_url="/media/x.mp4")
    block = make_block(block_name, cadre)
    with translation.override("zh-hans"):
        html = block.runtime.render(block, "student_view").content
    assert 'class="cc-calendar cc-calendar-makeup"' in html and 'role="note"' in html
    assert "补学补考期：今天获得的学时仍计入2027学年。" in html
