"""
What a learner sees, through a real browser: the learner home (the year at a glance,
the courses, filters), 我的证书 with last year's certificate downloaded and its QR code
verified, and a lecture that resumes at the verified point after a reload and after a
failed attention check.  Every learner page and the block are scanned with axe-core
(WCAG 2.1 AA: no serious or critical violation).

The sandbox runs at JOURNEY_NOW (Tuesday 16 March 2027, Shanghai): Anhui's academic
year 2027 has 230 days left (16 March to 31 October, both counted), and the demo's
learner_veteran met the 2026 quota, so 我的证书 holds the 2026 certificate.
"""
import re

import pypdfium2 as pdfium
import pytest

from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_learner_journey import sign_in, verified_seconds

pytestmark = pytest.mark.e2e

LAST_YEAR = 2026  # the year before JOURNEY_NOW's
THIS_YEAR = 2027
VETERAN, VETERAN_NAME = "learner_veteran", "吴示范"
# Not learner_bureau: the journey's picture-check test needs that learner's checks to itself.
LECTURE_LEARNER = "learner_section"
LECTURE_COURSE = "course-v1:CadreAcademy+YFXZ101+2026"  # required, 20-second lecture in the fast demo


def pending_answer(sandbox, username):
    """
    The right choice of the learner's open check, read from the server as a person reads
    the picture: this course has no authored questions, so the number is drawn in a PNG
    and never sent in the page or the JSON.
    """
    output = sandbox.manage("shell", "-c", (
        "from cadre_credits_xblock.models import BlockProgress;"
        f"print([p.state['pending']['secret'] for p in BlockProgress.objects.filter(user__username='{username}')"
        " if (p.state or {}).get('pending')][-1])"))
    return output.strip().splitlines()[-1]


def test_the_learner_home_shows_the_year_the_courses_and_filters_and_passes_axe(sandbox, new_page, shoot):
    page = new_page()
    sign_in(page, sandbox, VETERAN)  # a learner lands on the plugin's learner home
    page.wait_for_selector("[data-testid=home-progress]")
    assert page.inner_text("h1") == "我的学习"
    progress = page.inner_text("[data-testid=home-progress]")
    assert f"{THIS_YEAR}学年度" in progress
    notice = page.wait_for_selector("[data-testid=home-progress] [data-testid=calendar-notice]")
    assert notice.get_attribute("data-kind") == "year"
    assert "230" in notice.inner_text()  # days left: 16 March to 31 October 2027, both counted
    assert page.inner_text("[data-testid=home-earned-total]").startswith("4 / 50 学时")  # the live class of 10 March
    assert "选修 4" in page.inner_text("[data-testid=home-split]")
    rows = page.query_selector_all("[data-testid=home-course]")
    assert len(rows) == 3
    first = page.inner_text("[data-testid=home-courses]")
    assert "依法行政专题（必修）" in first and "钱示例（虚构讲师）" in first and "专业能力" in first.replace("职业", "专业")
    shoot(page, "learner-home")
    assert_accessible(page, where="the learner home")

    # Filters by category (a plain GET form: works from the keyboard and without script).
    page.select_option("#cadre-filter-category", "elective")
    page.click("[data-testid=filter-apply]")
    page.wait_for_url(re.compile(r"category=elective"))
    categories = {row.get_attribute("data-category") for row in page.query_selector_all("[data-testid=home-course]")}
    assert categories == {"elective"}
    assert "3" in page.inner_text("[data-testid=course-count]")
    shoot(page, "learner-home-filtered")

    # A learner cannot read the registry's records of every province.
    assert page.goto(sandbox.url("/registry/")).status == 403


def test_my_certificates_downloads_last_years_certificate_whose_qr_code_verifies_it(sandbox, new_page, shoot):
    from pyzbar.pyzbar import ZBarSymbol, decode

    page = new_page()
    sign_in(page, sandbox, VETERAN)
    page.click("[data-testid=nav-certificates]")
    row = page.wait_for_selector(f"[data-testid=certificate][data-year='{LAST_YEAR}']")
    code = row.query_selector("[data-testid=certificate-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    shoot(page, "my-certificates")
    assert_accessible(page, where="我的证书")

    with page.expect_download() as download_info:
        row.query_selector("[data-testid=certificate-download]").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    document = pdfium.PdfDocument(pdf)
    text = document[0].get_textpage().get_text_range()
    assert VETERAN_NAME in text and code in text and str(LAST_YEAR) in text
    symbols = decode(document[0].render(scale=3).to_pil().convert("L"), symbols=[ZBarSymbol.QRCODE])
    assert len(symbols) == 1
    url = symbols[0].data.decode()
    assert url == sandbox.url(f"/cadre/certificates/verify/?code={code}")  # absolute, on this host

    # Anyone scanning the paper: no sign-in, the site's chrome, the certificate confirmed.
    visitor = new_page()
    visitor.goto(url)
    result = visitor.wait_for_selector("[data-testid=verify-result][role=status]")
    assert VETERAN_NAME in result.inner_text() and str(LAST_YEAR) in result.inner_text()
    assert visitor.query_selector("#language-select") is not None
    shoot(visitor, "certificate-verified-by-qr")
    assert_accessible(visitor, where="the verification page")
    # The code as people type it: lower case, without dashes.
    visitor.goto(sandbox.url(f"/cadre/certificates/verify/?code={code.replace('-', '').lower()}"))
    assert VETERAN_NAME in visitor.inner_text("[data-testid=verify-result]")
    visitor.select_option("#language-select", "en")
    visitor.wait_for_selector("text=This certificate is genuine and valid.")


def video_time(page):
    return page.evaluate("document.querySelector('.cc-video').currentTime")


def play(page):
    page.click(".cc-video")
    page.evaluate("document.querySelector('.cc-video').play()")


def wait_near(page, seconds, paused=None):
    """Wait until the player stands within a second of ``seconds`` (and is paused, if asked)."""
    condition = "Math.abs(v.currentTime - at) < 1" + ("" if paused is None else " && v.paused")
    page.wait_for_function(f"([at]) => {{ const v = document.querySelector('.cc-video'); return {condition}; }}",
                           arg=[seconds], timeout=10_000)


def test_the_lecture_resumes_at_the_verified_point_after_a_reload_and_after_a_failed_check(
        sandbox, new_page, shoot):
    page = new_page()
    sign_in(page, sandbox, LECTURE_LEARNER)
    page.goto(sandbox.url(f"/courses/{LECTURE_COURSE}/"))
    page.click("[data-testid=enroll]")
    page.wait_for_selector(".cc-video")
    assert_accessible(page, ".cadre-credits", where="the credit block before playing")
    with page.expect_response(lambda r: "start_session" in r.url):
        play(page)
    page.wait_for_timeout(2500)
    assert verified_seconds(page) >= 1 or page.query_selector(".cc-check:not([hidden])"), \
        "progress did not move in the first seconds"

    reloaded = failed = False
    resumed_at = rolled_back_to = None
    for _step in range(90):
        page.mouse.move(300 + _step % 40, 320)  # a learner at the keyboard, not idle
        dialog = page.query_selector(".cc-check:not([hidden])")
        if dialog is not None:
            number = pending_answer(sandbox, LECTURE_LEARNER)
            buttons = page.query_selector_all(".cc-check-choices button")
            assert page.evaluate("document.activeElement.closest('.cc-check') !== null"), "focus not in the check"
            if not failed:
                assert_accessible(page, ".cadre-credits", where="the credit block with the attention check open")
                shoot(page, "attention-check-open")
                wrong = next(b for b in buttons if b.inner_text().strip() != number)
                with page.expect_response(lambda r: "answer_check" in r.url) as answered:
                    wrong.focus()
                    page.keyboard.press("Enter")  # answered from the keyboard
                rolled_back_to = answered.value.json()["resume_at"]
                assert rolled_back_to is not None
                wait_near(page, rolled_back_to, paused=True)
                assert "回答错误" in page.inner_text(".cc-status")
                shoot(page, "attention-check-failed-rolled-back")
                failed = True
                play(page)
            else:
                page.click(f".cc-check-choices button:text-is('{number}')")
        elif not reloaded and verified_seconds(page) >= 4:
            before = verified_seconds(page)
            page.reload()
            page.wait_for_selector(".cc-video")
            with page.expect_response(lambda r: "start_session" in r.url) as started:
                play(page)
            resumed_at = started.value.json()["resume_at"]
            assert abs(resumed_at - before) <= 2, (resumed_at, before)
            wait_near(page, resumed_at)
            assert video_time(page) >= resumed_at - 1
            shoot(page, "lecture-resumed-after-reload")
            reloaded = True
        if "本讲已全部验证完成" in page.inner_text(".cc-status"):
            break
        if page.evaluate("document.querySelector('.cc-video').paused") and dialog is None:
            page.evaluate("document.querySelector('.cc-video').play()")
        page.wait_for_timeout(700)

    assert reloaded and resumed_at > 0, "the lecture was never reloaded mid-way"
    assert failed and rolled_back_to is not None, "no attention check was failed"
    # Never above 100 % nor past the required time (the lecture verifies a little past its share).
    verified, required = re.search(r"(\d+:\d{2})\D+(\d+:\d{2})", page.inner_text(".cc-progress-text")).groups()
    assert verified == required
    assert page.evaluate("document.querySelector('.cc-progress-bar').value") == 100
    # Completion is drawn live, without a reload (this course's hours wait for its exam).
    page.wait_for_selector(".cc-complete:not([hidden])")
    shoot(page, "lecture-completed-live")
    assert_accessible(page, ".cadre-credits", where="the credit block after completion")
