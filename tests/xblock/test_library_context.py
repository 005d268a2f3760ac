"""
The block in a content library: no course there, so no course credit and no verified
time, said in a translated sentence (never the 500 a ``lib:`` key raised as a course key).
"""
from decimal import Decimal as D

import pytest
from opaque_keys.edx.locator import LibraryLocator, LibraryLocatorV2

from cadre_policy_plugin import api
from cadre_policy_plugin.models import CourseCreditSpec, CreditBlock

from .runtime import COURSE, call, make_block

pytestmark = pytest.mark.django_db

LIBRARY_V2 = LibraryLocatorV2("AnhuiAcademy", "party-lectures")
LIBRARY_V1 = LibraryLocator("AnhuiAcademy", "party-lectures-v1")
FORM = {
    "display_name": "党史第一讲", "category": "required", "hours": "2", "lecture_minutes": "",
    "topic": "party_spirit", "exam_required": False, "media_kind": "video",
    "video_url": "https://media.example.org/l1.mp4", "reading_text": "", "duration_seconds": "600",
    "checks_required": "1", "required_share": "0.95",
}
NOTICE = "内容库"  # the zh-Hans notice names the content library


@pytest.mark.parametrize("library", [LIBRARY_V2, LIBRARY_V1], ids=["v2-lib", "v1-library"])
def test_studio_save_in_a_library_keeps_the_lecture_and_explains_the_course_credit(block_name, author, library):
    block = make_block(block_name, author, studio=True, library=library)
    status, body = call(block, "studio_submit", FORM)
    assert status == 200 and body["result"] == "success" and body["required_seconds"] == 570
    assert NOTICE in body["notice"]
    assert (block.duration_seconds, block.checks_required, block.video_url) == (600, 1, FORM["video_url"])
    assert not CourseCreditSpec.objects.exists() and not CreditBlock.objects.exists()


def test_the_course_fields_are_not_asked_in_a_library(block_name, author):
    block = make_block(block_name, author, studio=True, library=LIBRARY_V2)
    without_course = {key: value for key, value in FORM.items() if key not in ("category", "hours", "topic")}
    status, body = call(block, "studio_submit", without_course)
    assert status == 200 and NOTICE in body["notice"]
    status, body = call(block, "studio_submit", {**without_course, "duration_seconds": "0"})
    assert status == 400 and "秒" in body["error"]  # the lecture's own fields are still validated


def test_library_views_render_the_notice_without_a_course_form(block_name, author, learner):
    block = make_block(block_name, author, studio=True, library=LIBRARY_V2, duration_seconds=600)
    studio = block.studio_view().content
    assert NOTICE in studio and 'name="category"' not in studio and 'name="duration_seconds"' in studio
    assert NOTICE in block.author_view().content
    assert block.student_view_data()["course"] is None
    assert "cadre-credits" in make_block(block_name, learner, library=LIBRARY_V2).student_view().content


def test_no_learning_time_is_verified_in_a_library(block_name, author, learner):
    make_block(block_name, author, library=LIBRARY_V2, duration_seconds=600)
    status, body = call(make_block(block_name, learner, library=LIBRARY_V2), "start_session", {})
    assert status == 400 and "内容库" in body["error"]


def test_the_same_lecture_used_in_a_course_gets_its_course_credit(block_name, author):
    call(make_block(block_name + "_lib", author, studio=True, library=LIBRARY_V2), "studio_submit", FORM)
    status, body = call(make_block(block_name, author, studio=True), "studio_submit", FORM)
    assert status == 200 and "notice" not in body
    assert api.get_course_credit_spec(COURSE).hours == D("2.00")
