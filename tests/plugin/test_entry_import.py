"""Entry back-fill import (补录): every row through the api, all or nothing, nothing credited twice."""
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from cadre_policy_plugin.models import AuditLog, LedgerEntry, YearStatus
from cadre_policy_plugin.services.entry_import import import_entries
from tests.plugin.factories import make_admin, make_id_number, make_profile, make_tree, make_user
from tests.plugin.import_files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

ZH_HEADER = ["身份证号", "来源", "类别", "日期", "分钟", "学时", "半天", "请假学时", "字数", "凭证"]
EN_HEADER = ["id_number", "source", "category", "earned_on", "minutes", "hours", "half_days", "absent_hours",
             "characters", "evidence_ref"]
REASON = "2026年党校春季班结业名单及学习心得核实"



@pytest.fixture
def world():
    tree = make_tree(policy_key="nei-mongol-2016")
    ids = [make_id_number(serial=200 + i, born=date(1970 + i, 8, 1)) for i in range(3)]
    return {"tree": tree, "ids": ids,
            "a": make_profile(tree["a"], id_number=ids[0], real_name="甲"),
            "a2": make_profile(tree["a"], id_number=ids[1], real_name="丙"),
            "b": make_profile(tree["b"], id_number=ids[2], real_name="乙"),
            "admin_a": make_admin(tree["a"], "admin_a"), "admin_b": make_admin(tree["b"], "admin_b")}


def good_rows(ids):
    return [
        [ids[0], "脱产培训", "", "2026-03-02", "", "", "2", "", "", "DX-2026-01"],
        [ids[0], "脱产培训", "", "2026-04-06", "", "35", "", "6", "", "DX-2026-02"],  # leave 6 > 35/7: withdrawn
        [ids[0], "自学", "", "2026-05-10", "", "", "", "", "2500", ""],
        [ids[1], "授课", "", "2026-06-01", "90", "", "", "", "", ""],
        [ids[1], "中心组学习", "", "2026-06-15", "", "3", "", "", "", ""],
        [ids[1], "直播课堂", "选修", "2026-07-01", "90", "", "", "", "", ""],
    ]


def test_utf8_csv_credits_every_row_through_the_rules(world):
    data = csv_bytes(ZH_HEADER, good_rows(world["ids"]))
    report = import_entries(data, "补录.csv", admin=world["admin_a"], reason=REASON)
    assert report.ok and report.written, report.as_dict()
    assert [(row.row, row.action) for row in report.rows] == [
        (2, "credited"), (3, "not_counted"), (4, "credited"), (5, "credited"), (6, "credited"), (7, "credited")]
    assert [row.changed for row in report.rows if row.action == "credited"] == [["8.00"], ["8.00"], ["8.00"],
                                                                                 ["3.00"], ["2.00"]]
    assert report.rows[1].changed[0]  # the engine's reason for not counting
    entries = LedgerEntry.objects.filter(user=world["a"].user).order_by("earned_on")
    assert {entry.evidence_type for entry in entries} == {"import"}
    assert [entry.evidence_ref for entry in entries][:2] == ["DX-2026-01", "DX-2026-02"]
    assert entries[2].evidence_ref == f"{report.sha256}#4" and entries[2].reason == REASON
    assert entries[1].value_hours is None and entries[1].absent_hours == Decimal("6")
    assert YearStatus.objects.get(user=world["a"].user, year=2026).total_earned == Decimal("16")
    assert AuditLog.objects.filter(action="ledger.add", actor=world["admin_a"]).count() == 6
    assert AuditLog.objects.filter(action="entries.import").count() == 1
    assert all(number not in json.dumps(report.as_dict()) for number in world["ids"])


def test_reimporting_the_same_file_credits_nothing_twice(world):
    data = csv_bytes(ZH_HEADER, good_rows(world["ids"]))
    import_entries(data, "a.csv", admin=world["admin_a"], reason=REASON)
    count = LedgerEntry.objects.count()
    again = import_entries(data, "a.csv", admin=world["admin_a"], reason=REASON)
    assert again.ok and again.counts() == {"already": 6}
    assert LedgerEntry.objects.count() == count


def test_one_bad_row_writes_nothing_and_all_errors_are_listed(world):
    rows = good_rows(world["ids"]) + [
        [world["ids"][0], "自学", "", "2026-05-11", "60", "", "", "", "", ""],  # self-study is counted by characters
        [world["ids"][1], "看电影", "", "2026-02-30", "", "x", "", "", "", ""],
        [world["ids"][0], "脱产培训", "", "2026-08-01", "", "", "1", "", "", "DX-2026-01"],  # same evidence as row 2
        ["110105198001010000", "自学", "", "2026-05-11", "", "", "", "", "1000", ""],
    ]
    report = import_entries(csv_bytes(ZH_HEADER, rows), "bad.csv", admin=world["admin_a"], reason=REASON)
    assert not report.ok and not report.written
    assert not LedgerEntry.objects.exists() and not YearStatus.objects.exists() and not AuditLog.objects.exists()
    assert [(e.row, e.column) for e in report.errors] == [
        (8, "分钟"), (9, "学时"), (9, "日期"), (9, "来源"), (10, "凭证"), (11, "身份证号")]


def test_sibling_admin_cannot_import_for_another_unit(world):
    rows = [[world["ids"][2], "脱产培训", "", "2026-03-02", "", "", "1", "", "", ""]]
    report = import_entries(csv_bytes(ZH_HEADER, rows), "x.csv", admin=world["admin_a"], reason=REASON)
    assert [(e.row, e.column) for e in report.errors] == [(2, "身份证号")]
    assert not LedgerEntry.objects.exists()
    with pytest.raises(PermissionDenied):
        import_entries(csv_bytes(ZH_HEADER, rows), "x.csv", admin=world["a"].user, reason=REASON)
    with pytest.raises(ValidationError):
        import_entries(csv_bytes(ZH_HEADER, rows), "x.csv", admin=world["admin_b"], reason="  ")


def test_gbk_csv_with_english_headers_and_xlsx(world):
    rows = [[world["ids"][0], "offline_training", "", "2026-03-02", "", "", "1", "", "", "GBK-1"]]
    gbk = csv_bytes(EN_HEADER, rows, encoding="gbk") + "# 备注\r\n".encode("gbk")
    report = import_entries(gbk, "x.csv", admin=world["admin_a"], reason=REASON)
    assert report.encoding == "gbk"
    xlsx_rows = [[world["ids"][1], "自学", None, date(2026, 9, 9), None, None, None, None, 1999, "XLSX-1"]]
    report2 = import_entries(xlsx_bytes(ZH_HEADER, xlsx_rows), "x.xlsx", admin=world["admin_a"], reason=REASON)
    assert report2.ok and report2.rows[0].changed == ["4.00"]


def test_dry_run_and_command(world, tmp_path):
    path = tmp_path / "entries.csv"
    path.write_bytes(csv_bytes(ZH_HEADER, good_rows(world["ids"])))
    out, err = io.StringIO(), io.StringIO()
    call_command("cadre_import_entries", str(path), "--admin", "admin_a", "--reason", REASON, "--dry-run",
                 stdout=out, stderr=err)
    assert not LedgerEntry.objects.exists() and not YearStatus.objects.exists()
    assert "Would write: credited 5, not_counted 1" in err.getvalue() and "trying: 6/6" in err.getvalue()
    with pytest.raises(CommandError, match="row 2, 身份证号"):
        call_command("cadre_import_entries", str(path), "--admin", "admin_b", "--reason", REASON,
                     stdout=out, stderr=err)
    call_command("cadre_import_entries", str(path), "--admin", "admin_a", "--reason", REASON, "--json",
                 stdout=out, stderr=err)
    assert LedgerEntry.objects.count() == 6


def test_rest_entry_import(world):
    url = reverse("cadre_policy:api-import-entries")
    data = csv_bytes(ZH_HEADER, good_rows(world["ids"]))

    def post(user, **extra):
        client = APIClient()
        client.force_authenticate(user)
        return client.post(url, {"file": SimpleUploadedFile("e.csv", data), **extra}, format="multipart")

    assert post(make_user(), reason=REASON).status_code == 403
    assert post(world["admin_a"]).status_code == 400  # no reason
    refused = post(world["admin_b"], reason=REASON)
    assert refused.status_code == 400 and len(refused.json()["errors"]) == 6
    done = post(world["admin_a"], reason=REASON)
    assert done.status_code == 200 and done.json()["counts"] == {"credited": 5, "not_counted": 1}
    assert post(world["admin_a"], reason=REASON).json()["counts"] == {"already": 6}
