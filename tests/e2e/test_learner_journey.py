"""
The whole system through a real browser: a learner signs in, plays a lecture in the
credit block, answers an attention check, watches the verified minutes grow and
completes the course; the hours appear in the training file; the unit administrator
sees the learner; the record arrives at the reference registry.

The sandbox runs with ``SANDBOX_DEMO_FAST`` (a 20-second lecture, one-second
heartbeats); what the server credits is decided by the real verification rules.
"""
import io
import re
import time

import openpyxl
import pytest

from cadre_credits_xblock import questions
from sandbox import demo_data
from tests.e2e.conftest import JOURNEY_NOW

pytestmark = pytest.mark.e2e

#: The demo data is loaded on JOURNEY_NOW; "last year" is the year before it.
LAST_YEAR = int(JOURNEY_NOW[:4]) - 1

PASSWORD = "demo1234"
LEARNER = "learner_county"
LEARNER_NAME = "林演示"
ADMIN = "admin_fgw"
COURSE_ID = "course-v1:CadreAcademy+SZZF201+2026"
COURSE_NAME = "数字政府建设（选修）"
COURSE_HOURS = "1.50"


def sign_in(page, sandbox, username):
    page.goto(sandbox.url("/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.wait_for_selector("[data-testid=signed-in-as]")


def right_choices():
    """What a learner who watched the lecture knows: each authored question's right answers (from the demo pool)."""
    pool = questions.parse(demo_data.SZZF201_QUESTIONS, duration=120)
    return {q["text"]: {q["choices"][i] for i in q["correct"]} for q in pool}


def answer_through_the_page(page, known):
    """Read the question in the dialog and answer it with the keyboard, as a person would."""
    question = page.inner_text(".cc-check-question")
    assert question in known, f"not an authored question: {question!r}"
    right = known[question]
    assert page.query_selector(".cc-check-picture:not([hidden])") is None
    if page.query_selector(".cc-check-choices input[type=checkbox]"):
        for label in page.query_selector_all(".cc-check-choices label"):
            if label.inner_text().strip() in right:
                label.query_selector("input").focus()
                page.keyboard.press("Space")
        page.focus(".cc-check-confirm")
        page.keyboard.press("Enter")
    else:
        (text,) = right
        page.focus(f".cc-check-choices button:text-is('{text}')")
        page.keyboard.press("Enter")
    return question


def verified_seconds(page):
    """The block's 'verified m:ss / m:ss' line, as seconds verified."""
    text = page.inner_text(".cc-progress-text")
    minutes, seconds = re.search(r"(\d+):(\d{2})", text).groups()
    return int(minutes) * 60 + int(seconds)


def test_sign_in_page_lists_the_demo_accounts_and_signs_a_learner_in(sandbox, new_page, shoot):
    page = new_page()
    page.goto(sandbox.url("/login/"))
    assert page.inner_text("h1") == "登录"  # zh-Hans first
    accounts = page.inner_text("main")
    assert LEARNER in accounts and ADMIN in accounts and "demo1234" in accounts
    shoot(page, "sign-in")
    page.select_option("#language-select", "en")  # English is one switch away
    page.wait_for_selector("h1:text-is('Sign in')")
    page.select_option("#language-select", "zh-hans")
    page.wait_for_selector("h1:text-is('登录')")
    sign_in(page, sandbox, LEARNER)
    assert page.text_content("[data-testid=signed-in-as]").strip() == LEARNER_NAME


def test_a_learner_earns_verified_hours_that_reach_the_file_the_unit_and_the_registry(sandbox, new_page, shoot):
    page = new_page()
    sign_in(page, sandbox, LEARNER)

    # Enrol (CourseEnrollmentStarted runs the plugin's profile gate) and open the lecture.
    page.goto(sandbox.url(f"/courses/{COURSE_ID}/"))
    page.click("[data-testid=enroll]")
    page.wait_for_selector(".cc-video")
    assert verified_seconds(page) == 0
    shoot(page, "course-before-playing")

    # Play: a real click on the video (a user gesture), then play() to be sure it runs.
    page.click(".cc-video")
    page.evaluate("document.querySelector('.cc-video').play()")

    readings, checks_answered, known = [], 0, right_choices()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        page.mouse.move(200 + len(readings) % 50, 300)  # a learner at the keyboard, not idle
        dialog = page.query_selector(".cc-check:not([hidden])")
        if dialog is not None:
            # The author's question (随堂弹题): its text and shuffled choices; the answer is nowhere on the page.
            assert page.evaluate("document.activeElement.closest('.cc-check') !== null"), "focus not in the check"
            assert dialog.get_attribute("role") == "dialog" and dialog.get_attribute("aria-modal") == "true"
            shoot(page, "attention-check")
            answer_through_the_page(page, known)
            page.wait_for_selector(".cc-check", state="hidden")
            checks_answered += 1
        readings.append(verified_seconds(page))
        if "本讲已全部验证完成" in page.inner_text(".cc-status"):
            break
        if page.evaluate("document.querySelector('.cc-video').paused") and dialog is None:
            page.evaluate("document.querySelector('.cc-video').play()")
        page.wait_for_timeout(1000)
    shoot(page, "lecture-verified")

    assert checks_answered >= 1, "the server asked no attention check"
    assert readings[-1] >= 19, f"lecture not verified: {readings}"
    growth = [b for a, b in zip(readings, readings[1:]) if b > a]
    assert len(growth) >= 5, f"verified time did not grow step by step: {readings}"
    assert readings == sorted(readings), f"verified time went backwards: {readings}"

    # Live, without a reload: the block's completion banner, the year line with the course's
    # hours, and the course passed with its certificate issued (CertificateCreationRequested
    # let it through).
    page.wait_for_selector(".cc-complete:not([hidden])")
    page.wait_for_function("document.querySelector('.cc-year').textContent.includes('1.5 / 50')")
    page.wait_for_selector("[data-testid=certificate-issued]", timeout=15_000)
    shoot(page, "course-passed-live")
    page.goto(sandbox.url(f"/courses/{COURSE_ID}/"))
    page.wait_for_selector("[data-testid=certificate-issued]")
    assert "本年度已完成 1.5 / 50 学时" in page.inner_text(".cc-year")
    shoot(page, "course-passed")

    # The electronic training file shows the course's hours, from verified sessions.
    page.click("[data-testid=nav-file]")
    row = page.wait_for_selector(f"[data-testid=entry][data-course='{COURSE_ID}']")
    cells = row.inner_text()
    assert COURSE_NAME in cells and COURSE_HOURS in cells
    entry_uuid = row.get_attribute("data-uuid")
    assert page.inner_text("[data-testid=earned-total]") == "1.5"
    shoot(page, "training-file")

    # The unit administrator sees the learner and the hours in the unit dashboard.
    admin = new_page()
    sign_in(admin, sandbox, ADMIN)
    admin.click("[data-testid=nav-units]")
    learner_row = admin.wait_for_selector(f"[data-testid=unit-learner][data-username='{LEARNER}']")
    assert LEARNER_NAME in learner_row.inner_text()
    assert learner_row.query_selector("[data-testid=learner-earned]").inner_text() == COURSE_HOURS
    shoot(admin, "unit-dashboard")

    # The unit's circular downloads as a real workbook with the learner's hours in it.
    with admin.expect_download() as download_info:
        admin.click("[data-testid=report-xlsx] >> nth=0")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        workbook = openpyxl.load_workbook(io.BytesIO(handle.read()), read_only=True)
    rows = [[str(cell) for cell in row if cell is not None] for row in workbook["学员明细"].iter_rows(values_only=True)]
    assert any(LEARNER_NAME in row and COURSE_HOURS.rstrip("0").rstrip(".") in " ".join(row) for row in rows), rows

    # The record reached the reference registry (signed, idempotent), masked on its pages;
    # every province's records, so the page is the academy staff's (a unit administrator gets 403).
    assert admin.goto(sandbox.url("/registry/")).status == 403
    admin = new_page()
    sign_in(admin, sandbox, "academy")
    deadline = time.monotonic() + 30
    record = None
    while record is None and time.monotonic() < deadline:
        admin.goto(sandbox.url("/registry/"))
        record = admin.query_selector(f"[data-testid=registry-record][data-record='{entry_uuid}']")
        if record is None:
            admin.wait_for_timeout(1000)
    assert record is not None, "the course award never reached the registry"
    assert COURSE_HOURS in record.inner_text() and "340***********" in record.inner_text()
    shoot(admin, "registry-records")
    admin.goto(sandbox.registry_url)
    assert entry_uuid in admin.content()
    shoot(admin, "registry-own-page")


def test_a_lecture_without_questions_shows_the_number_only_in_a_picture(sandbox, new_page, shoot):
    """The fallback check through the page: the number is in the PNG, not in the page or the JSON."""
    page = new_page()
    sign_in(page, sandbox, "learner_bureau")
    page.goto(sandbox.url("/courses/course-v1:CadreAcademy+YFXZ101+2026/"))
    page.click("[data-testid=enroll]")
    page.wait_for_selector(".cc-video")
    page.click(".cc-video")
    page.evaluate("document.querySelector('.cc-video').play()")
    picture = page.wait_for_selector(".cc-check-picture:not([hidden])", timeout=60_000)
    page.wait_for_function("document.querySelector('.cc-check-picture').naturalWidth > 0")
    assert picture.get_attribute("alt")
    buttons = page.query_selector_all(".cc-check-choices button")
    assert len(buttons) == 4
    # Only the server (and the person looking at the picture) knows which: read it as a person would see it.
    secret = sandbox.manage("shell", "-c", (
        "from cadre_credits_xblock.models import BlockProgress;"
        "print(BlockProgress.objects.get(user__username='learner_bureau').state['pending']['secret'])"))
    secret = secret.strip().splitlines()[-1]  # the shell may print a banner first
    assert [button.inner_text() for button in buttons].count(secret) == 1  # one of four buttons: nothing marks it
    assert secret not in page.inner_text(".cc-check-question") + (picture.get_attribute("alt") or "")
    shoot(page, "picture-check")
    page.focus(f".cc-check-choices button:text-is('{secret}')")
    page.keyboard.press("Enter")
    page.wait_for_selector(".cc-check", state="hidden")
    outcome = sandbox.manage("shell", "-c", (
        "from cadre_credits_xblock.models import AttentionCheck;"
        "print(list(AttentionCheck.objects.filter(user__username='learner_bureau').values_list('kind', 'outcome')))"))
    assert outcome.strip().splitlines()[-1] == "[('picture', 'passed')]"


def test_a_learner_without_an_approved_profile_is_refused_enrolment_with_a_reason(sandbox, new_page, shoot):
    page = new_page()
    sign_in(page, sandbox, "learner_pending")
    page.goto(sandbox.url(f"/courses/{COURSE_ID}/"))
    page.click("[data-testid=enroll]")
    refusal = page.wait_for_selector(".messages li.error")
    assert refusal.inner_text().strip()  # the CourseEnrollmentStarted step's own message
    assert page.query_selector(".cc-video") is None
    assert page.query_selector("[data-testid=enroll]") is not None
    shoot(page, "enrolment-refused")


def test_last_years_annual_certificate_is_in_the_file_and_verifies_publicly(sandbox, new_page, shoot):
    page = new_page()
    sign_in(page, sandbox, "learner_veteran")
    last_year = LAST_YEAR
    page.goto(sandbox.url(f"/my/file/?year={last_year}"))
    assert "已完成年度学时要求" in page.inner_text("[data-testid=file-met]")
    link = page.wait_for_selector("[data-testid=certificate-verify]")
    pdf = page.request.get(sandbox.url(page.get_attribute("[data-testid=certificate-pdf]", "href")))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    shoot(page, "veteran-file-last-year")

    # The public verification page needs no sign-in and never shows the ID number.
    code = link.get_attribute("href").split("code=")[1]
    visitor = new_page()
    visitor.goto(sandbox.url(f"/verify/?code={code}"))
    status = visitor.wait_for_selector("[role=status]")
    assert "吴示范" in status.inner_text() and str(last_year) in status.inner_text()
    assert "340" not in visitor.inner_text("body").replace(code, "")
    shoot(visitor, "certificate-verified")


def test_in_anhuis_december_the_lecture_warns_before_play_and_the_file_explains_why_hours_did_not_count(
        december_sandbox, new_page, shoot):
    page = new_page()
    sign_in(page, december_sandbox, LEARNER)

    # The course list says it first: hours earned now count for no academic year.
    notice = page.wait_for_selector("[data-testid=calendar-notice]")
    assert notice.get_attribute("data-kind") == "gap" and notice.get_attribute("role") == "alert"
    assert "不计入任何学年" in notice.inner_text()
    assert "安徽省干部网络培训管理办法（2019）" in notice.inner_text()

    # The lecture says it again above the player, before anything is played.
    page.goto(december_sandbox.url(f"/courses/{COURSE_ID}/"))
    if page.query_selector("[data-testid=enroll]") is not None:
        page.click("[data-testid=enroll]")
    calendar = page.wait_for_selector(".cc-calendar")
    assert calendar.get_attribute("data-kind") == "gap" and calendar.get_attribute("role") == "alert"
    assert "当前不在任何学年内" in calendar.inner_text()
    assert f"{LAST_YEAR + 2}学年于{LAST_YEAR + 2}年1月1日开始" in calendar.inner_text()
    assert page.evaluate("document.querySelector('.cc-video').paused")
    assert calendar.bounding_box()["y"] < page.query_selector(".cc-video").bounding_box()["y"]
    shoot(page, "december-lecture-notice-before-play")

    # Last December's live class is in the file, not counted, with the reason as a sentence.
    page.goto(december_sandbox.url(f"/my/file/?year={LAST_YEAR}"))
    reason = page.wait_for_selector("[data-testid=excluded-reason][data-code=outside_academic_year]")
    assert "不计入任何学年" in reason.inner_text() and "outside_academic_year" not in reason.inner_text()
    assert "安徽省干部网络培训管理办法（2019）" in page.inner_text("[data-testid=file-policy]")
    shoot(page, "training-file-uncounted-reason")
    page.select_option("#language-select", "en")
    reason = page.wait_for_selector("[data-testid=excluded-reason][data-code=outside_academic_year]")
    assert "counts for no year" in reason.inner_text()
    page.select_option("#language-select", "zh-hans")
    page.wait_for_selector("[data-testid=excluded-reason]:has-text('不计入任何学年')")
