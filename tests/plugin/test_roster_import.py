"""Roster import (Fujian §5.1): CSV in UTF-8/GBK and XLSX, every row checked, all or nothing, idempotent."""
import io
import json
from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from cadre_policy_plugin.models import AuditLog, LearnerProfile
from cadre_policy_plugin.services.roster_import import import_roster
from tests.plugin.factories import make_admin, make_id_number, make_profile, make_tree, make_user
from tests.plugin.import_files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

ZH_HEADER = ["姓名", "身份证号", "手机号", "职级", "单位代码", "政治面貌", "职务", "注册日期"]
EN_HEADER = ["real_name", "id_number", "mobile", "rank", "unit_code", "political_status", "post", "registered_on"]



@pytest.fixture
def world():
    tree = make_tree(policy_key="fujian-2017")
    return {"tree": tree, "admin_a": make_admin(tree["a"], "admin_a"), "admin_b": make_admin(tree["b"], "admin_b"),
            "admin_county": make_admin(tree["county"], "admin_county"),
            "ids": [make_id_number(serial=100 + i, born=date(1975 + i, 3, 9)) for i in range(6)]}


def roster_rows(ids, unit="AH-HF-SX-A"):
    return [
        ["王芳", ids[0], "13912345678", "县处级", unit, "中共党员", "局长", "2026-02-10"],
        ["李明", ids[1], "13812345678", "一般干部", unit, "群众", "科员", "2026/03/05"],
    ]


def test_utf8_bom_csv_with_chinese_headers_creates_pending_learners(world):
    data = csv_bytes(ZH_HEADER, roster_rows(world["ids"]))
    report = import_roster(data, "名册.csv", admin=world["admin_a"])
    assert report.ok and report.written and report.encoding == "utf-8"
    assert report.counts() == {"create": 2}
    wang = LearnerProfile.objects.with_id_number(world["ids"][0]).get()
    assert (wang.real_name, wang.rank, wang.unit.code, wang.political_status, wang.post, wang.registered_on,
            wang.mobile) == ("王芳", "county", "AH-HF-SX-A", "cpc", "局长", date(2026, 2, 10), "13912345678")
    assert not wang.approved and not wang.user.is_active and not wang.user.has_usable_password()
    assert LearnerProfile.objects.with_id_number(world["ids"][1]).get().rank == "staff"
    dumped = json.dumps(report.as_dict(), ensure_ascii=False)
    assert world["ids"][0] not in dumped and wang.masked_id_number in dumped
    actions = list(AuditLog.objects.filter(actor=world["admin_a"]).values_list("action", flat=True))
    assert actions.count("profile.import") == 2 and actions.count("roster.import") == 1
    assert world["ids"][0] not in json.dumps(list(AuditLog.objects.values_list("detail", flat=True)))


def test_reimporting_the_same_file_changes_and_duplicates_nothing(world):
    data = csv_bytes(ZH_HEADER, roster_rows(world["ids"]))
    import_roster(data, "a.csv", admin=world["admin_a"])
    users_before = get_user_model().objects.count()
    modified = dict(LearnerProfile.objects.values_list("pk", "modified"))
    again = import_roster(data, "a.csv", admin=world["admin_a"])
    assert again.ok and again.counts() == {"unchanged": 2}
    assert get_user_model().objects.count() == users_before
    assert dict(LearnerProfile.objects.values_list("pk", "modified")) == modified
    assert AuditLog.objects.filter(action="profile.import").count() == 2


def test_a_changed_row_updates_only_what_changed(world):
    import_roster(csv_bytes(ZH_HEADER, roster_rows(world["ids"])), "a.csv", admin=world["admin_a"])
    rows = roster_rows(world["ids"])
    rows[0][3] = "厅局级"
    rows[1][6] = ""  # an empty optional cell keeps what is on file
    report = import_roster(csv_bytes(ZH_HEADER, rows), "b.csv", admin=world["admin_a"])
    assert [(row.action, row.changed) for row in report.rows] == [("update", ["rank"]), ("unchanged", [])]
    assert LearnerProfile.objects.with_id_number(world["ids"][0]).get().rank == "bureau"
    assert LearnerProfile.objects.with_id_number(world["ids"][1]).get().post == "科员"


def test_gbk_csv_with_english_headers(world):
    rows = roster_rows(world["ids"])
    rows[1][3] = "科级以下"
    data = csv_bytes(EN_HEADER + ["email"], [row + [f"u{i}@example.org"] for i, row in enumerate(rows)],
                     encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    report = import_roster(data, "roster.csv", admin=world["admin_county"])
    assert report.ok and report.encoding == "gbk" and report.counts() == {"create": 2}
    li = LearnerProfile.objects.with_id_number(world["ids"][1]).get()
    assert li.real_name == "李明" and li.rank == "staff" and li.user.email == "u1@example.org"


def test_xlsx_with_date_cells_numeric_mobile_and_approval(world):
    rows = [["赵强", world["ids"][2], 13700001111, "科级", "AH-HF-SX-B", "共青团员", "副科长", datetime(2026, 7, 1)],
            ["钱敏", world["ids"][3], None, "其他", "AH-HF-SX-B", None, None, None]]
    report = import_roster(xlsx_bytes(ZH_HEADER, rows), "roster.xlsx", admin=world["admin_county"], approve=True)
    assert report.ok and report.counts() == {"create": 2}
    zhao = LearnerProfile.objects.with_id_number(world["ids"][2]).get()
    assert (zhao.mobile, zhao.rank, zhao.political_status, zhao.registered_on) == (
        "13700001111", "section", "cyl", date(2026, 7, 1))
    assert zhao.approved and zhao.user.is_active
    qian = LearnerProfile.objects.with_id_number(world["ids"][3]).get()
    assert qian.mobile == "" and qian.registered_on is None and qian.rank == "other"


def test_one_bad_row_writes_nothing_and_every_error_is_reported(world):
    rows = roster_rows(world["ids"]) + [
        ["", world["ids"][2][:17] + ("0" if world["ids"][2][17] != "0" else "1"), "12345", "处长", "AH-HF-SX-A",
         "", "", "2026-13-01"],
        ["孙丽", world["ids"][3], "13612345678", "科级", "AH-HF-SX-B", "", "", ""],  # sibling unit
        ["周杰", world["ids"][0], "13512345678", "科级", "AH-HF-SX-A", "", "", ""],  # same person as row 2
    ]
    data = csv_bytes(ZH_HEADER, rows)
    report = import_roster(data, "bad.csv", admin=world["admin_a"])
    assert not report.ok and not report.written
    assert not LearnerProfile.objects.exists() and not AuditLog.objects.exists()
    found = {(error.row, error.column) for error in report.errors}
    assert found == {(4, "姓名"), (4, "身份证号"), (4, "手机号"), (4, "职级"), (4, "注册日期"),
                     (5, "单位代码"), (6, "身份证号")}
    text = json.dumps(report.as_dict(), ensure_ascii=False)
    assert all(number not in text for number in world["ids"])
    assert "check digit" in text or "校验位" in text


def test_sibling_admin_cannot_import_into_or_over_another_unit(world):
    import_roster(csv_bytes(ZH_HEADER, roster_rows(world["ids"], unit="AH-HF-SX-B")), "b.csv",
                  admin=world["admin_b"])
    into_b = import_roster(csv_bytes(ZH_HEADER, [["吴", world["ids"][4], "", "科级", "AH-HF-SX-B", "", "", ""]]),
                           "x.csv", admin=world["admin_a"])
    assert [(e.row, e.column) for e in into_b.errors] == [(2, "单位代码")]
    over_b = import_roster(csv_bytes(ZH_HEADER, roster_rows(world["ids"])), "x.csv", admin=world["admin_a"])
    assert [(e.row, e.column) for e in over_b.errors] == [(2, "身份证号"), (3, "身份证号")]
    assert set(LearnerProfile.objects.values_list("unit__code", flat=True)) == {"AH-HF-SX-B"}
    with pytest.raises(PermissionDenied):
        import_roster(b"x", "x.csv", admin=make_user())


def test_numeric_id_cells_and_usernames(world):
    taken = make_profile(world["tree"]["a"], make_user("taken"))
    free = make_user("oldplatform")  # a first-batch learner keeps the old account (Loudi Art. 8)
    header = ZH_HEADER[:5] + ["用户名"]
    rows = [["甲", 110105198001010000, "", "科级", "AH-HF-SX-A", ""],
            ["乙", world["ids"][4], "", "科级", "AH-HF-SX-A", "taken"],
            ["丙", world["ids"][5], "", "科级", "AH-HF-SX-A", "oldplatform"]]
    report = import_roster(xlsx_bytes(header, rows), "u.xlsx", admin=world["admin_a"])
    assert [(e.row, e.column) for e in report.errors] == [(2, "身份证号"), (3, "用户名")]
    report = import_roster(xlsx_bytes(header, rows[2:]), "u.xlsx", admin=world["admin_a"])
    assert report.ok and report.rows[0].action == "link"
    assert LearnerProfile.objects.with_id_number(world["ids"][5]).get().user == free
    assert taken.user.username == "taken"


def test_unreadable_files_and_missing_columns(world):
    with pytest.raises(ValidationError):
        import_roster(csv_bytes(["姓名", "职级"], [["王", "科级"]]), "x.csv", admin=world["admin_a"])
    with pytest.raises(ValidationError):
        import_roster(b"PK\x03\x04 not really a zip", "x.xlsx", admin=world["admin_a"])


def test_command_dry_run_then_write_with_progress_on_stderr(world, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(ZH_HEADER, roster_rows(world["ids"])))
    out, err = io.StringIO(), io.StringIO()
    call_command("cadre_import_roster", str(path), "--admin", "admin_a", "--dry-run", stdout=out, stderr=err)
    assert not LearnerProfile.objects.exists()
    assert "Would write: create 2" in err.getvalue() and "checking: 0/2" in err.getvalue()
    assert world["ids"][0] not in out.getvalue() and "create" in out.getvalue()
    call_command("cadre_import_roster", str(path), "--admin", "admin_a", "--approve", stdout=out, stderr=err)
    assert LearnerProfile.objects.filter(approved=True).count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(ZH_HEADER, [["王", "123", "", "科级", "AH-HF-SX-A", "", "", ""]]))
    with pytest.raises(CommandError, match=r"row 2, 身份证号"):
        call_command("cadre_import_roster", str(bad), "--admin", "admin_a", stdout=out, stderr=err)
    with pytest.raises(CommandError):
        call_command("cadre_import_roster", str(path), "--admin", "nobody", stdout=out, stderr=err)


def test_rest_import_for_administrators_only(world):
    url = reverse("cadre_policy:api-import-roster")
    data = csv_bytes(ZH_HEADER, roster_rows(world["ids"]))

    def post(user, payload, **extra):
        client = APIClient()
        client.force_authenticate(user)
        return client.post(url, {"file": SimpleUploadedFile("r.csv", payload), **extra}, format="multipart")

    learner = make_profile(world["tree"]["a"]).user
    assert post(learner, data).status_code == 403
    dry = post(world["admin_a"], data, dry_run="true")
    assert dry.status_code == 200 and dry.json()["written"] is False and not LearnerProfile.objects.filter(
        real_name="王芳").exists()
    refused = post(world["admin_b"], data)
    assert refused.status_code == 400
    assert {(e["row"], e["column"]) for e in refused.json()["errors"]} == {(2, "单位代码"), (3, "单位代码")}
    done = post(world["admin_a"], data)
    assert done.status_code == 200 and done.json()["counts"] == {"create": 2}
    assert all(number not in done.content.decode() for number in world["ids"])
    assert post(world["admin_a"], b"\x00\x01garbage").status_code == 400
