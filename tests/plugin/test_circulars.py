"""Reports to units: the circular's numbers, its CSV/XLSX/text forms, the REST endpoint and the commands."""
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from cadre_policy_plugin import api
from cadre_policy_plugin.models import YearStatus
from cadre_policy_plugin.services import circular_exports, circulars
from tests.plugin.factories import make_admin, make_profile, make_tree, make_user

pytestmark = pytest.mark.django_db

YEAR = 2026
BOM = b"\xef\xbb\xbf"
FULL = "course-v1:AnhuiAcademy+Full+2026"  # 50 hours: meets Anhui's annual 50 alone
PART = "course-v1:AnhuiAcademy+Part+2026"  # 30 hours


def award(profile, course):
    api.award_course_hours(profile.user, course, evidence_type="certificate", evidence_ref=course,
                           earned_on=date(YEAR, 4, 1))


@pytest.fixture
def world():
    """
    County 肥西县 with unit A (3 active: 1 met, 30 h, 0 h; 1 retired who met) and unit B
    (2 active, both met), plus an empty unit C; Anhui pack, 50 hours a year.
    """
    tree = make_tree()
    tree["c"] = tree["county"].children.create(code="AH-HF-SX-C", name="县卫健委", kind="unit")
    api.set_course_credit_spec(FULL, category="elective", hours=Decimal("50"))
    api.set_course_credit_spec(PART, category="elective", hours=Decimal("30"))
    people = {
        "a_met": make_profile(tree["a"], real_name="甲一", user=make_user(email="a1@example.cn")),
        "a_part": make_profile(tree["a"], real_name="甲二", user=make_user(email="a2@example.cn")),
        "a_none": make_profile(tree["a"], real_name="甲三", user=make_user(email="")),
        "a_retired": make_profile(tree["a"], real_name="甲退", user=make_user(email="ar@example.cn")),
        "b_met1": make_profile(tree["b"], real_name="乙一", user=make_user(email="b1@example.cn")),
        "b_met2": make_profile(tree["b"], real_name="乙二", user=make_user(email="b2@example.cn")),
    }
    for key in ("a_met", "a_retired", "b_met1", "b_met2"):
        award(people[key], FULL)
    award(people["a_part"], PART)
    api.recompute_year_status(people["a_none"].user, [YEAR])
    retired = people["a_retired"]
    retired.status = "retired"
    retired.save()
    return {"tree": tree, **people}


def test_completion_rate_rounds_half_up_to_one_decimal():
    assert circulars.completion_rate(1, 16) == Decimal("6.3")  # 6.25: banker's rounding would give 6.2
    assert circulars.completion_rate(1, 3) == Decimal("33.3")
    assert circulars.completion_rate(2, 3) == Decimal("66.7")
    assert circulars.completion_rate(3, 3) == Decimal("100.0")
    assert circulars.completion_rate(0, 0) is None


def test_circular_numbers_for_two_units(world, django_assert_max_num_queries):
    # Streamed lines and counters, the subtree, and the hours revoked after review (one query each).
    with django_assert_max_num_queries(7):
        circular = circulars.build_circular(world["tree"]["county"], YEAR)
    by_code = {unit.code: unit for unit in circular.units}
    a, b, c = by_code["AH-HF-SX-A"], by_code["AH-HF-SX-B"], by_code["AH-HF-SX-C"]
    assert (a.learners, a.met, a.completion_rate, a.shortfall, a.inactive) == (3, 1, Decimal("33.3"), Decimal("70"), 1)
    assert a.below_threshold is True
    assert (b.learners, b.met, b.completion_rate, b.shortfall, b.below_threshold) == (2, 2, Decimal("100.0"), 0, False)
    assert (c.learners, c.completion_rate, c.below_threshold) == (0, None, False)
    assert [unit.code for unit in circular.units] == ["AH-HF-SX-A", "AH-HF-SX-B", "AH-HF-SX-C"]
    totals = circular.totals
    assert (totals.learners, totals.met, totals.completion_rate, totals.shortfall) == (5, 3, Decimal("60.0"),
                                                                                       Decimal("70"))
    # the retired learner met the year but is listed apart and counted nowhere
    assert [line.real_name for line in circular.inactive] == ["甲退"]
    assert "甲退" not in [line.real_name for line in circular.learners]
    # learners: by unit, open ones first (largest shortfall first), then met
    assert [line.real_name for line in circular.learners] == ["甲三", "甲二", "甲一", "乙一", "乙二"]
    first = circular.learners[0]
    assert first.id_number == world["a_none"].masked_id_number and "*" in first.id_number
    assert (first.total_needed, first.total_earned, first.shortfall, first.met) == (Decimal("50"), 0, Decimal("50"), False)
    assert first.policy_key == "anhui-2019" and first.stale is False
    assert circular.learners[2].certificate_serial  # Anhui Art. 11: the one who met holds a certificate
    assert circular.flagged_units == [a]


def test_threshold_moves_the_flag(world):
    circular = circulars.build_circular(world["tree"]["county"], YEAR, threshold=Decimal("30"))
    assert circular.flagged_units == []
    one_unit = circulars.build_circular(world["tree"]["b"], YEAR)
    assert [unit.code for unit in one_unit.units] == ["AH-HF-SX-B"] and one_unit.totals.learners == 2


def test_missing_status_is_marked_stale_and_recomputed_only_when_asked(world):
    YearStatus.objects.filter(user=world["a_part"].user).delete()
    circular = circulars.build_circular(world["tree"]["county"], YEAR)
    line = next(line for line in circular.learners if line.real_name == "甲二")
    assert line.stale and not line.has_status and circular.stale_count == 1
    assert not YearStatus.objects.filter(user=world["a_part"].user).exists()  # building never evaluates
    assert circulars.recompute_stale(world["tree"]["county"], YEAR) == (1, 0)
    line = next(line for line in circulars.build_circular(world["tree"]["county"], YEAR).learners
                if line.real_name == "甲二")
    assert not line.stale and line.total_earned == Decimal("30")


def test_csv_has_bom_masked_ids_and_both_languages(world):
    circular = circulars.build_circular(world["tree"]["county"], YEAR)
    data = circular_exports.to_csv(circular)
    assert data.startswith(BOM)
    text = data.decode("utf-8-sig")
    for profile in (world["a_met"], world["a_retired"], world["b_met1"]):
        assert profile.id_number not in text and profile.masked_id_number in text
    rows = text.splitlines()
    assert rows[0].startswith("单位代码,单位,姓名,身份证号（脱敏）")
    assert len(rows) == 1 + 5 + 1 and rows[-1].split(",")[2] == "甲退"  # the retired learner last, not counted
    assert rows[1].split(",")[:3] == ["AH-HF-SX-A", "县财政局", "甲三"]
    english = circular_exports.to_csv(circular, language="en").decode("utf-8-sig")
    assert english.splitlines()[0].startswith("Unit code,Unit,Name,ID number (masked)")
    units = circular_exports.to_csv(circular, part="units").decode("utf-8-sig").splitlines()
    assert units[1].split(",")[:6] == ["AH-HF-SX-A", "县财政局", "3", "1", "33.3", "70.00"]
    assert units[-1].split(",")[1] == "合计：肥西县"


def test_csv_cells_never_run_as_formulas(world):
    world["a_met"].real_name = "=HYPERLINK(\"x\")"
    world["a_met"].save()
    text = circular_exports.to_csv(circulars.build_circular(world["tree"]["a"], YEAR)).decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_xlsx_has_both_sheets_with_the_right_rows(world):
    circular = circulars.build_circular(world["tree"]["county"], YEAR)
    workbook = openpyxl.load_workbook(io.BytesIO(circular_exports.to_xlsx(circular)))
    assert workbook.sheetnames == ["单位汇总", "学员明细"]
    units = [list(row) for row in workbook["单位汇总"].iter_rows(values_only=True)]
    assert units[0][:5] == ["单位代码", "单位", "在学人数", "完成人数", "完成率（%）"]
    assert [row[0] for row in units[1:]] == ["AH-HF-SX-A", "AH-HF-SX-B", "AH-HF-SX-C", "AH-HF-SX"]
    assert units[1][4] == pytest.approx(33.3) and units[1][7] == "是" and units[2][7] == "否"
    learners = [list(row) for row in workbook["学员明细"].iter_rows(values_only=True)]
    assert [row[2] for row in learners[1:]] == ["甲三", "甲二", "甲一", "乙一", "乙二", "甲退"]
    cells = " ".join(str(value) for row in learners for value in row)
    assert world["a_met"].id_number not in cells and world["a_met"].masked_id_number in cells
    english = openpyxl.load_workbook(io.BytesIO(circular_exports.to_xlsx(circular, language="en")))
    assert english.sheetnames == ["Units", "Learner details"]


def test_text_circular_in_chinese_and_english(world):
    circular = circulars.build_circular(world["tree"]["county"], YEAR)
    zh = circular_exports.to_text(circular)
    assert "2026学年干部网络培训情况通报" in zh
    assert "在学学员5人，完成年度学习任务3人，完成率60.0%" in zh
    assert "县财政局（AH-HF-SX-A）：3人中完成1人，完成率33.3%，差额70.00  [未达标]" in zh
    assert "县卫健委（AH-HF-SX-C）：暂无在学学员" in zh
    assert world["a_part"].masked_id_number in zh and world["a_part"].id_number not in zh
    en = circular_exports.to_text(circular, language="en")
    assert "Circular on the cadre online training of academic year 2026" in en and "[BELOW TARGET]" in en


# --- REST ---------------------------------------------------------------------------------

def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_circular_streams_in_batches_in_report_order_without_the_engine_detail(world, monkeypatch):
    county = world["tree"]["county"]
    whole = circulars.build_circular(county, YEAR)
    expected_csv = circular_exports.to_csv(whole)
    expected = [line.user_id for line in whole.learners]
    monkeypatch.setattr(circulars, "READ_BATCH", 1)  # one unit per batch: every unit read on its own
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        batched = circulars.build_circular(county, YEAR)
        assert [line.user_id for line in batched.iter_learners()] == expected
        assert circular_exports.to_csv(batched) == expected_csv
    assert batched.totals == whole.totals and batched.units == whole.units
    status_reads = [q["sql"] for q in ctx.captured_queries if "cadre_policy_yearstatus" in q["sql"]]
    assert status_reads and not any('"detail"' in sql or "`detail`" in sql for sql in status_reads)
    chunks = list(circular_exports.iter_csv(batched))
    assert b"".join(chunks) == expected_csv


def report_url(code):
    return reverse("cadre_policy:api-unit-report", args=[code])


def streamed(response):
    """A CSV or XLSX report is streamed, never built whole in the response."""
    assert response.streaming
    return b"".join(response.streaming_content)


def test_rest_report_formats_for_the_county_admin(world):
    admin = client_for(make_admin(world["tree"]["county"]))
    body = admin.get(report_url("AH-HF-SX"), {"year": YEAR}).json()
    assert body["totals"]["completion_rate"] == "60.0" and body["units"][0]["below_threshold"] is True
    assert all("email" not in line for line in body["learners"])
    csv_response = admin.get(report_url("AH-HF-SX"), {"year": YEAR, "format": "csv"})
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    content = streamed(csv_response)
    assert content.startswith(BOM) and world["b_met1"].id_number not in content.decode()
    assert 'filename="circular-AH-HF-SX-2026-learners.csv"' in csv_response["Content-Disposition"]
    xlsx = admin.get(report_url(world["tree"]["county"].pk), {"year": YEAR, "format": "xlsx"})
    assert xlsx.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(streamed(xlsx))).sheetnames == ["单位汇总", "学员明细"]
    english = admin.get(report_url("AH-HF-SX"), {"year": YEAR, "format": "csv", "language": "en"})
    assert streamed(english).decode("utf-8-sig").startswith("Unit code,")
    bad = admin.get(report_url("AH-HF-SX"), {"year": YEAR, "threshold": "x", "format": "xlsx"})
    assert bad.status_code == 400 and bad.json() == {"threshold": "请填写0到100之间的百分数。"}
    assert admin.get(report_url("AH-HF-SX"), {"year": YEAR, "format": "pdf"}).status_code == 404


def test_rest_report_is_scoped(world):
    tree = world["tree"]
    admin_a = client_for(make_admin(tree["a"]))
    assert admin_a.get(report_url("AH-HF-SX-A"), {"year": YEAR}).status_code == 200
    for code in ("AH-HF-SX-B", "AH-HF-SX", str(tree["b"].pk), "NOPE"):
        for fmt in ("json", "csv", "xlsx"):
            response = admin_a.get(report_url(code), {"year": YEAR, "format": fmt})
            assert response.status_code == 404, (code, fmt)
            assert response["Content-Type"].startswith("application/json")
            assert "乙" not in response.content.decode()
    learner = client_for(world["b_met1"].user)
    assert learner.get(report_url("AH-HF-SX-B"), {"year": YEAR, "format": "xlsx"}).status_code == 403
    assert APIClient().get(report_url("AH-HF-SX-B")).status_code in (401, 403)


# --- commands -----------------------------------------------------------------------------

def test_unit_circular_command_text_and_files(world, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("cadre_unit_circular", "--node", "AH-HF-SX", "--year", str(YEAR), stdout=out, stderr=err)
    assert "2026学年干部网络培训情况通报" in out.getvalue() and "[未达标]" in out.getvalue()
    out = io.StringIO()
    call_command("cadre_unit_circular", "--node", str(world["tree"]["county"].pk), "--year", str(YEAR),
                 "--language", "en", "--threshold", "30", stdout=out, stderr=io.StringIO())
    assert "Units below target" not in out.getvalue() and "completion rate 60.0%" in out.getvalue()
    target = tmp_path / "c.xlsx"
    err = io.StringIO()
    call_command("cadre_unit_circular", "--node", "AH-HF-SX", "--year", str(YEAR), "--format", "xlsx",
                 "--output", str(target), stdout=io.StringIO(), stderr=err)
    assert openpyxl.load_workbook(target).sheetnames == ["单位汇总", "学员明细"]
    assert "5 learners, 3 units, 1 below target" in err.getvalue()
    target = tmp_path / "c.csv"
    call_command("cadre_unit_circular", "--node", "AH-HF-SX", "--year", str(YEAR), "--format", "csv",
                 "--output", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    assert target.read_bytes().startswith(BOM)
    with pytest.raises(CommandError):
        call_command("cadre_unit_circular", "--node", "NOPE", "--year", str(YEAR), stdout=io.StringIO())
    with pytest.raises(CommandError):  # binary to a text stream
        call_command("cadre_unit_circular", "--node", "AH-HF-SX", "--year", str(YEAR), "--format", "xlsx",
                     stdout=io.StringIO(), stderr=io.StringIO())


def test_unit_circular_command_recomputes_stale_only_when_asked(world):
    YearStatus.objects.filter(user=world["a_part"].user).delete()
    out, err = io.StringIO(), io.StringIO()
    call_command("cadre_unit_circular", "--node", "AH-HF-SX-A", "--year", str(YEAR), stdout=out, stderr=err)
    assert "--recompute" in out.getvalue() and not YearStatus.objects.filter(user=world["a_part"].user).exists()
    out, err = io.StringIO(), io.StringIO()
    call_command("cadre_unit_circular", "--node", "AH-HF-SX-A", "--year", str(YEAR), "--recompute",
                 stdout=out, stderr=err)
    assert "recompute: 1/1" in err.getvalue() and "Recomputed 1" in err.getvalue()
    assert "--recompute" not in out.getvalue()


def test_quarterly_notices_are_mailed_without_id_numbers(world, mailoutbox, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = io.StringIO()
    call_command("cadre_quarterly_notices", "--year", str(YEAR), "--quarter", "2", "--node", "AH-HF-SX",
                 stdout=out, stderr=io.StringIO())
    assert sorted(mail.to[0] for mail in mailoutbox) == ["a1@example.cn", "a2@example.cn", "b1@example.cn",
                                                          "b2@example.cn"]  # not the retired one
    part = next(mail for mail in mailoutbox if mail.to == ["a2@example.cn"])
    assert part.subject == "学时进度通报：2026年第2季度"
    assert "甲二同志（县财政局）" in part.body and "已获得30.00学时" in part.body and "还差20.00学时" in part.body
    met = next(mail for mail in mailoutbox if mail.to == ["a1@example.cn"])
    assert "已完成本年度学习任务" in met.body
    for mail in mailoutbox:
        for profile in (world["a_met"], world["a_part"], world["b_met1"], world["b_met2"]):
            assert profile.id_number not in mail.body and profile.masked_id_number not in mail.body
    text = out.getvalue()
    assert f"skipped (no e-mail address): {world['a_none'].user.username} [AH-HF-SX-A]" in text
    assert "Sent: 4" in text and "Skipped without e-mail: 1; without status: 0; failed: 0" in text


def test_quarterly_notices_dry_run_english_and_scope(world, mailoutbox):
    out = io.StringIO()
    call_command("cadre_quarterly_notices", "--year", str(YEAR), "--quarter", "1", "--node", "AH-HF-SX-B",
                 "--language", "en", "--dry-run", stdout=out, stderr=io.StringIO())
    assert mailoutbox == []
    text = out.getvalue()
    assert "Dry run: 2 notice(s) would be sent" in text
    assert "Training progress notice: 2026, quarter 1" in text and "You have met this year's requirement" in text


def test_quarterly_notices_skip_missing_status_until_recomputed(world, mailoutbox):
    YearStatus.objects.filter(user=world["a_part"].user).delete()
    out = io.StringIO()
    call_command("cadre_quarterly_notices", "--year", str(YEAR), "--quarter", "3", "--node", "AH-HF-SX-A",
                 stdout=out, stderr=io.StringIO())
    assert "without status: 1" in out.getvalue() and len(mailoutbox) == 1
    mailoutbox.clear()
    call_command("cadre_quarterly_notices", "--year", str(YEAR), "--quarter", "3", "--node", "AH-HF-SX-A",
                 "--recompute", stdout=io.StringIO(), stderr=io.StringIO())
    assert sorted(mail.to[0] for mail in mailoutbox) == ["a1@example.cn", "a2@example.cn"]
