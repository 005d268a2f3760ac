"""
The unit administrators' console through a real browser, signed in as ``admin_nm``
(Inner Mongolia), a unit administrator WITHOUT ``is_staff``: the dashboard's charts
(rendered, screenshot kept) and their tables, the year picker, search and sort,
drill-down to a learner's file, back-fill with evidence, revocation and correction,
the hours registration form (the learner declares, the unit approves and rejects, the
year's forms export), registration approvals, imports with a dry run and progress,
the circular's export and quarterly notices (a second sending says so), and 403 from
``/admin/``.

The journey runs at ``JOURNEY_NOW`` (2027-03-16 09:30 Shanghai): every date below is
named, inside the 2027 form's window (closes 2027-12-20) and not after that day.
"""
import io
from decimal import Decimal

import openpyxl
import pytest
from reportlab.pdfgen import canvas

from sandbox import demo_data

pytestmark = pytest.mark.e2e

PASSWORD = "demo1234"
ADMIN = "admin_nm"
LEARNER = "learner_other"
LEARNER_NAME = "冯设例"
LEARNER_ID = demo_data.fictional_id_number("150102", "19880808", 996)
YEAR = "2027"


def sign_in(page, sandbox, username):
    page.goto(sandbox.url("/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.wait_for_selector("[data-testid=signed-in-as]")


def pdf_bytes(text):
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(300, 120))
    page.drawString(10, 60, text)
    page.save()
    return buffer.getvalue()


def painted_pixels(page, canvas_id):
    """How many pixels of the chart's canvas are not transparent (0: nothing drawn)."""
    return page.evaluate(
        """(id) => { const c = document.getElementById(id); const d = c.getContext('2d')
              .getImageData(0, 0, c.width, c.height).data; let n = 0;
              for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; } return n; }""", canvas_id)


def workbook(download):
    with open(download.path(), "rb") as handle:
        return openpyxl.load_workbook(io.BytesIO(handle.read()))


def march_other(page):
    """The dashboard's March row: hours earned from sources without a category (group study, training...)."""
    cells = page.query_selector_all("[data-testid=month-row][data-month='3'] td")
    return Decimal(cells[2].inner_text())


def csv_file(name, header, rows):
    text = "\r\n".join([",".join(header)] + [",".join(row) for row in rows]) + "\r\n"
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8-sig")}


def declare(page, kind, title, on, amount, document=None, organiser=""):
    page.select_option("#id_kind", kind)
    page.fill("#id_title", title)
    page.fill("#id_organiser", organiser)
    page.fill("#id_earned_on", on)
    page.fill("#id_amount", amount)
    if document:
        page.set_input_files("#id_document", {"name": document, "mimeType": "application/pdf",
                                              "buffer": pdf_bytes(title.encode("ascii", "ignore").decode() or "doc")})
    page.click("[data-testid=declare-submit]")
    page.wait_for_selector(f"[data-testid=declaration-line] >> text={title}")


def test_a_unit_administrator_without_staff_rights_does_every_console_task(sandbox, new_page, shoot):
    is_staff = sandbox.manage("shell", "-c", "from django.contrib.auth import get_user_model as g; "
                              f"u = g().objects.get(username='{ADMIN}'); print(u.is_staff, u.is_superuser)")
    assert is_staff.strip().splitlines()[-1].split() == ["False", "False"]

    # ---- The learner declares three lines of the 2027 hours registration form from their file page.
    learner = new_page()
    sign_in(learner, sandbox, LEARNER)
    learner.click("[data-testid=nav-file]")
    learner.click("[data-testid=file-declare]")
    learner.wait_for_selector("[data-testid=declare-form]")
    declare(learner, "group_study", "党委中心组学习（一季度）", "2027-03-05", "3")
    declare(learner, "offline_training", "自治区党校专题培训", "2027-03-01", "2", document="鉴定表.pdf",
            organiser="自治区党校")
    declare(learner, "lecturing", "为科级干部讲党课", "2027-03-10", "45")
    shoot(learner, "declarations-learner")

    admin = new_page()
    sign_in(admin, sandbox, ADMIN)

    # ---- Django admin: 403 for this account.
    response = admin.goto(sandbox.url("/admin/"))
    assert response.status in (403, 404)

    # ---- The console from the header: dashboard, charts rendered, tables beside them.
    admin.goto(sandbox.url("/"))
    admin.click("[data-testid=nav-console]")
    admin.click("[data-testid=console-unit-link][data-code=NM]")
    admin.wait_for_selector("#chart-units[data-rendered=true]")
    admin.wait_for_selector("#chart-months[data-rendered=true]")
    assert painted_pixels(admin, "chart-units") > 200
    assert painted_pixels(admin, "chart-months") > 200
    assert admin.query_selector("[data-testid=unit-rate][data-code=NM-HH]") is not None
    assert len(admin.query_selector_all("[data-testid=month-row]")) == 12
    assert admin.get_attribute("#chart-units", "aria-hidden") == "true"  # the table is what a screen reader reads
    shoot(admin, "console-dashboard-charts")
    march_before = march_other(admin)

    # Year picker, search and sort.
    admin.select_option("#year", "2026")
    admin.wait_for_url("**year=2026**")
    admin.select_option("#year", YEAR)
    admin.wait_for_url(f"**year={YEAR}**")
    admin.fill("[data-testid=learner-search]", "冯")
    admin.press("[data-testid=learner-search]", "Enter")
    admin.wait_for_selector(f"[data-testid=below-learner][data-username={LEARNER}]")
    admin.click("[data-testid=sort-name]")
    admin.wait_for_url("**sort=name**")

    # ---- Drill-down: region → city → unit → learner → the learner's file (masked ID).
    admin.goto(sandbox.url(f"/cadre/manage/units/NM/?year={YEAR}"))
    admin.click("[data-testid=child-unit-link][data-code=NM-HH]")
    admin.click("[data-testid=child-unit-link][data-code=NM-HH-MZJ]")
    admin.click("[data-testid=show-all]")
    admin.click(f"[data-testid=below-learner][data-username={LEARNER}] [data-testid=learner-link]")
    admin.wait_for_selector("[data-testid=learner-title]")
    shown_id = admin.inner_text("[data-testid=file-id-number]")
    assert "*" in shown_id and shown_id != LEARNER_ID
    assert LEARNER_ID not in admin.content()
    learner_url = admin.url

    # ---- Back-fill with an evidence document.
    admin.select_option("#id_source", "group_study")
    admin.fill("#id_earned_on", "2027-02-20")
    admin.select_option("#id_quantity", "hours")
    admin.fill("#id_amount", "2")
    admin.fill("#id_reason", "补录：春节前中心组学习")
    admin.set_input_files("#id_document", {"name": "sign-in.pdf", "mimeType": "application/pdf",
                                           "buffer": pdf_bytes("group study sign-in sheet")})
    admin.click("[data-testid=entry-submit]")
    admin.wait_for_selector(".messages li.success")
    backfilled = admin.wait_for_selector("[data-testid=entry]:has-text('补录：春节前中心组学习')")
    assert backfilled.query_selector("[data-testid=entry-document]") is not None

    # ---- Correction (revoke + corrected entry) and revocation, each with a reason.
    backfilled.query_selector("[data-testid=entry-correct]").click()
    admin.wait_for_selector("[data-testid=correct-form]")
    admin.fill("#id_amount", "1.5")
    admin.fill("#id_reason", "学习时长应为1.5学时")
    admin.click("[data-testid=correct-submit]")
    admin.wait_for_selector(".messages li.success")
    corrected = admin.wait_for_selector("[data-testid=entry]:has([data-testid=revoke-form]):has-text('学习时长应为1.5学时')")
    corrected.query_selector("input[name=reason]").fill("重复录入，撤销")
    corrected.query_selector("[data-testid=revoke-form] button").click()
    admin.wait_for_selector(".messages li.success")
    assert admin.query_selector("[data-testid=entry]:has([data-testid=revoke-form]):has-text('学习时长应为1.5学时')") is None
    assert admin.query_selector("[data-testid=entry].revoked:has-text('补录：春节前中心组学习')") is not None
    shoot(admin, "console-learner-file")

    # ---- The hours registration forms: approve two lines, reject one with a reason.
    admin.click("[data-testid=console-nav-declarations]")
    admin.wait_for_selector("[data-testid=declaration-lines]")
    for title in ("党委中心组学习（一季度）", "自治区党校专题培训"):
        admin.click(f"[data-testid=declaration-line]:has-text('{title}') [data-testid=declaration-approve]")
        admin.wait_for_selector(".messages li.success")
    lecture = admin.wait_for_selector("[data-testid=declaration-line]:has-text('为科级干部讲党课')")
    lecture.query_selector("[data-testid=declaration-reject-reason]").fill("缺少听课记录，请补交")
    lecture.query_selector("[data-testid=declaration-reject]").click()
    admin.wait_for_selector(".messages li.success")
    admin.goto(sandbox.url(f"/cadre/manage/declarations/?year={YEAR}&status=all"))
    statuses = {row.get_attribute("data-status") for row in admin.query_selector_all("[data-testid=declaration-line]")}
    assert statuses == {"approved", "rejected"}
    with admin.expect_download() as download:
        admin.click("[data-testid=unit-forms-xlsx] >> nth=0")
    book = workbook(download.value)
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value}
    assert "自治区党校专题培训" in cells and "缺少听课记录，请补交" in cells and LEARNER_ID not in cells
    shoot(admin, "console-declarations")

    # The learner sees the approval in the file and the reason of the rejection on the form.
    learner.goto(sandbox.url(f"/cadre/declarations/?year={YEAR}"))
    assert "缺少听课记录，请补交" in learner.inner_text("[data-testid=declaration-lines]")
    learner.goto(sandbox.url(f"/my/file/?year={YEAR}"))
    assert "自治区党校专题培训" in learner.inner_text("[data-testid=file-entries]")

    # ---- Registrations: approve one, reject one with a reason.
    admin.click("[data-testid=console-nav-registrations]")
    admin.click("[data-testid=registration][data-username=learner_nm_pending] [data-testid=registration-approve]")
    admin.wait_for_selector(".messages li.success")
    row = admin.wait_for_selector("[data-testid=registration][data-username=learner_nm_new]")
    row.query_selector("[data-testid=registration-reject-reason]").fill("单位信息与花名册不符")
    row.query_selector("[data-testid=registration-reject]").click()
    admin.wait_for_selector(".messages li.success")
    assert admin.query_selector("[data-testid=registration]") is None

    # ---- Imports: a dry run lists every row error and writes nothing; a clean file then imports.
    admin.click("[data-testid=console-nav-imports]")
    header = ["身份证号", "来源", "日期", "学时", "凭证"]
    bad = csv_file("bad.csv", header, [[LEARNER_ID, "中心组学习", "2027-03-03", "2", "NM-2027-001"],
                                       ["110101199001011234", "中心组学习", "2027-03-03", "2", ""],
                                       [LEARNER_ID, "打球", "三月", "2", ""]])
    admin.set_input_files("#file-entries", bad)
    admin.fill("#reason-entries", "一季度集中补录")
    admin.click("[data-testid=import-preview-entries]")
    admin.wait_for_selector("[data-testid=import-row-errors]")
    assert {e.get_attribute("data-row") for e in admin.query_selector_all("[data-testid=import-row-error]")} == {"3", "4"}
    assert admin.query_selector("[data-testid=import-run]") is None
    shoot(admin, "console-import-errors")

    admin.click("[data-testid=back-to-imports]")
    many = [[LEARNER_ID, "中心组学习", "2027-03-03", "0.5", f"NM-2027-{number:03d}"] for number in range(1, 151)]
    admin.set_input_files("#file-entries", csv_file("q1.csv", header, many))
    admin.fill("#reason-entries", "一季度集中补录")
    admin.click("[data-testid=import-preview-entries]")
    admin.wait_for_selector("[data-testid=import-progress]:not([hidden])", state="attached")
    admin.wait_for_selector("[data-testid=import-run]", timeout=120_000)
    assert len(admin.query_selector_all("[data-testid=import-row]")) == 150
    admin.click("[data-testid=import-run]")
    admin.wait_for_selector("[data-testid=import-rows]", timeout=120_000)
    assert admin.query_selector("[data-testid=import-row][data-action=credited]") is not None
    shoot(admin, "console-import-done")

    # ---- Reports: the circular, its workbook in the page's language, quarterly notices.
    admin.click("[data-testid=console-nav-reports]")
    assert "2027" in admin.inner_text("[data-testid=circular-text]")
    with admin.expect_download() as download:
        admin.click("[data-testid=report-xlsx]")
    assert workbook(download.value).sheetnames == ["单位汇总", "学员明细"]
    admin.select_option("#id_quarter", "1")
    admin.click("[data-testid=notice-send]")
    admin.wait_for_selector("[data-testid=recipients]")
    assert admin.query_selector("[data-testid=recipient][data-outcome=sent]") is not None
    mail_dir = sandbox.var_dir / "mail"
    assert any("learner_other@sandbox.invalid" in path.read_text(encoding="utf-8", errors="replace")
               for path in mail_dir.iterdir())
    admin.click("[data-testid=back-to-reports]")
    admin.select_option("#id_quarter", "1")
    admin.click("[data-testid=notice-send]")
    assert "已" in admin.inner_text(".messages li.error")  # "第1季度……已于……发送" — it says so
    shoot(admin, "console-reports")

    # The dashboard again, now with the approved lines and the imported entries in its charts.
    admin.goto(sandbox.url(f"/cadre/manage/units/NM/?year={YEAR}"))
    admin.wait_for_selector("#chart-months[data-rendered=true]")
    assert march_other(admin) > march_before  # the approved lines and the import, all of March
    shoot(admin, "console-dashboard-after")

    # ---- English is one switch away.
    admin.select_option("#language-select", "en")
    admin.wait_for_selector("[data-testid=console-nav-dashboard]:text-is('Dashboard')")

    # The same learner's page is refused for an object outside the subtree.
    outside = admin.goto(sandbox.url("/cadre/manage/units/AH/"))
    assert outside.status == 404
    assert learner_url.startswith(sandbox.url("/cadre/manage/learners/"))
