"""
Bad import files and bad entries end in a clear error naming the row and column (400
over REST), cost a bounded amount, and write nothing -- each input of issue 13 its own test.
"""
import time
import tracemalloc
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from cadre_policy_plugin import policy
from cadre_policy_plugin.models import AuditLog, LearnerProfile, LedgerEntry, OrgNode
from cadre_policy_plugin.services import ledger
from cadre_policy_plugin.services.entry_import import import_entries
from cadre_policy_plugin.services.roster_import import import_roster
from tests.plugin.factories import make_admin, make_id_number, make_profile, make_tree
from tests.plugin.import_files import (
    billion_laughs,
    csv_bytes,
    rewrite_member,
    with_shared_strings,
    xlsx_bytes,
    zip_bomb_xlsx,
)
from tests.rules.test_bounded_input import alias_bomb

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the zh-Hans catalogue has them too)."""
    from django.utils import translation

    with translation.override("en"):
        yield

ROSTER_HEADER = ["姓名", "身份证号", "职级", "单位代码"]
ENTRY_HEADER = ["身份证号", "来源", "日期", "学时", "凭证"]
REASON = "2026年党校春季班结业名单核实"
MB = 1024 * 1024


@pytest.fixture
def world():
    tree = make_tree(policy_key="nei-mongol-2016")
    learner = make_profile(tree["a"], id_number=make_id_number(serial=301), real_name="甲")
    return {"tree": tree, "learner": learner, "admin": make_admin(tree["a"], "admin_a"),
            "new_id": make_id_number(serial=302)}


def measured(function, *args, **kwargs):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        function(*args, **kwargs)
        outcome = None
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        outcome = exc
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcome, elapsed, peak


def nothing_written():
    return not LearnerProfile.objects.filter(real_name__in=["王芳", "x"]).exists() and not AuditLog.objects.filter(
        action__in=["roster.import", "entries.import"]).exists()


# -- zip bombs ------------------------------------------------------------------------------

def test_the_3_million_row_zip_bomb_is_refused_in_under_a_second_and_100_mb(world):
    bomb = zip_bomb_xlsx(3_000_000)
    assert len(bomb) < 500 * 1024
    outcome, elapsed, peak = measured(import_roster, bomb, "bomb.xlsx", admin=world["admin"])
    assert isinstance(outcome, ValidationError) and outcome.code == "xlsx_size", outcome
    assert "unpacks to 147016173 bytes" in outcome.messages[0]
    assert elapsed < 1.0 and peak < 100 * MB, (elapsed, peak)
    assert nothing_written()


def test_a_bomb_under_the_size_limit_is_refused_by_its_compression_ratio(world):
    bomb = zip_bomb_xlsx(600_000)
    outcome, elapsed, peak = measured(import_entries, bomb, "bomb.xlsx", admin=world["admin"], reason=REASON)
    assert isinstance(outcome, ValidationError) and outcome.code == "xlsx_ratio", outcome
    assert elapsed < 1.0 and peak < 100 * MB, (elapsed, peak)


@override_settings(CADRE_POLICY={"IMPORT_MAX_ROWS": 1000, "IMPORT_MAX_COMPRESSION_RATIO": 100_000})
def test_rows_are_streamed_and_reading_stops_at_the_first_row_beyond_the_limit(world):
    many = zip_bomb_xlsx(200_000)
    outcome, elapsed, peak = measured(import_roster, many, "many.xlsx", admin=world["admin"])
    assert isinstance(outcome, ValidationError) and outcome.code == "rows"
    assert "more than 1000 rows" in outcome.messages[0]
    # 200,000 rows were never materialised: a few MB, not the hundreds a full read costs.
    assert peak < 30 * MB, peak


# -- broken workbooks --------------------------------------------------------------------------

def test_a_truncated_sheet_xml_is_an_unreadable_workbook_not_a_500(world):
    good = xlsx_bytes(ROSTER_HEADER, [["王芳", world["new_id"], "县处级", "AH-HF-SX-A"]])
    broken = rewrite_member(good, "xl/worksheets/sheet1.xml", lambda data: data[: len(data) // 2])
    with pytest.raises(ValidationError) as caught:
        import_roster(broken, "broken.xlsx", admin=world["admin"])
    assert caught.value.code == "xlsx"
    assert nothing_written()


def test_an_entity_laden_shared_strings_part_is_refused(world):
    good = xlsx_bytes(ROSTER_HEADER, [["王芳", world["new_id"], "县处级", "AH-HF-SX-A"]])
    bomb = with_shared_strings(good, billion_laughs())
    outcome, elapsed, peak = measured(import_roster, bomb, "laughs.xlsx", admin=world["admin"])
    assert isinstance(outcome, ValidationError) and outcome.code == "xlsx_dtd", outcome
    assert elapsed < 1.0 and peak < 100 * MB, (elapsed, peak)
    assert nothing_written()


def test_not_a_zip_at_all_behind_the_xlsx_name(world):
    with pytest.raises(ValidationError) as caught:
        import_roster(b"PK\x03\x04 not really a zip", "fake.xlsx", admin=world["admin"])
    assert caught.value.code == "xlsx"


# -- CSV cells -----------------------------------------------------------------------------------

def test_a_csv_cell_over_131072_characters_is_an_error_naming_its_row(world):
    data = csv_bytes(ROSTER_HEADER, [["王芳", world["new_id"], "县处级", "AH-HF-SX-A"],
                                     ["长" * 140_000, world["new_id"], "县处级", "AH-HF-SX-A"]])
    with pytest.raises(ValidationError) as caught:
        import_roster(data, "long.csv", admin=world["admin"])
    assert caught.value.code == "csv_row" and "Row 3 cannot be read" in caught.value.messages[0]
    assert nothing_written()


def test_a_cell_longer_than_1000_characters_is_a_row_error(world):
    data = csv_bytes(ROSTER_HEADER, [["名" * 1001, world["new_id"], "县处级", "AH-HF-SX-A"]])
    report = import_roster(data, "long.csv", admin=world["admin"])
    assert [(e.row, e.column) for e in report.errors] == [(2, "姓名")]
    assert "longer than 1000 characters" in report.errors[0].message and not report.written


def test_a_nul_byte_in_a_name_is_a_row_error_and_never_reaches_the_database(world, django_assert_max_num_queries):
    data = csv_bytes(ROSTER_HEADER, [["王\x00芳", world["new_id"], "县处级", "AH-HF-SX-A"],
                                     ["李明", make_id_number(serial=303), "县处级", "AH-HF-SX-A"]])
    report = import_roster(data, "nul.csv", admin=world["admin"])
    assert [(e.row, e.column) for e in report.errors] == [(2, "姓名")]
    assert "control character" in report.errors[0].message
    assert not report.written and nothing_written() and not LearnerProfile.objects.filter(real_name="李明").exists()


def test_a_control_character_in_an_entry_row_names_the_column(world):
    data = csv_bytes(ENTRY_HEADER, [[world["learner"].id_number, "自学", "2026-03-01", "2", "凭\x1b证"]])
    report = import_entries(data, "e.csv", admin=world["admin"], reason=REASON)
    assert [(e.row, e.column) for e in report.errors] == [(2, "凭证")]
    assert not LedgerEntry.objects.exists()


# -- amounts and dates -----------------------------------------------------------------------------

@pytest.mark.parametrize("amount, message", [
    ("99999999999", "Amounts are less than 10,000,000."),
    ("1e999999", "Amounts are less than 10,000,000."),
    ("1.005", "Amounts have at most 2 decimal places."),
])
def test_an_amount_beyond_the_ledger_range_is_a_row_error(world, amount, message):
    data = csv_bytes(ENTRY_HEADER, [[world["learner"].id_number, "中心组学习", "2026-03-01", amount, ""]])
    report = import_entries(data, "e.csv", admin=world["admin"], reason=REASON)
    assert [(e.row, e.column, e.message) for e in report.errors] == [(2, "学时", message)]
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31", "2029-01-01"])
def test_entry_dates_outside_2000_to_next_year_are_row_errors(world, day):
    data = csv_bytes(ENTRY_HEADER, [[world["learner"].id_number, "中心组学习", day, "2", ""]])
    report = import_entries(data, "e.csv", admin=world["admin"], reason=REASON)
    assert [(e.row, e.column) for e in report.errors] == [(2, "日期")]
    assert "outside the plausible range 2000-01-01 to 2028-12-31" in report.errors[0].message


@pytest.mark.now("2027-12-31T23:30:00+08:00")
def test_next_year_follows_the_clock_late_on_new_years_eve(world):
    assert ledger  # the bound is read from the local (Shanghai) date: still 2027 here
    data = csv_bytes(ENTRY_HEADER, [[world["learner"].id_number, "中心组学习", "2028-12-31", "2", "A"],
                                    [world["learner"].id_number, "中心组学习", "2029-01-01", "2", "B"]])
    report = import_entries(data, "e.csv", admin=world["admin"], reason=REASON, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(3, "日期")]


def test_roster_registration_dates_are_bounded_too(world):
    data = csv_bytes([*ROSTER_HEADER, "注册日期"], [["王芳", world["new_id"], "县处级", "AH-HF-SX-A", "0001-01-01"]])
    report = import_roster(data, "r.csv", admin=world["admin"])
    assert [(e.row, e.column) for e in report.errors] == [(2, "注册日期")]


def test_the_api_refuses_an_implausible_date_amount_or_control_character(world):
    user = world["learner"].user
    with pytest.raises(ValidationError) as caught:
        ledger.add_entry(user, source="group_study", entered_by=world["admin"], reason="核实\x00",
                         earned_on=date(9999, 12, 31), hours=Decimal("99999999999"))
    assert set(caught.value.message_dict) == {"reason", "earned_on", "hours"}
    assert not LedgerEntry.objects.exists()


def test_rest_entry_with_a_date_of_year_one_is_a_400_naming_the_field(world):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(world["admin"])
    url = reverse("cadre_policy:api-learner-entries", args=[world["learner"].user_id])
    response = client.post(url, {"source": "group_study", "reason": REASON, "earned_on": "0001-01-01", "hours": "2"},
                           format="json")
    assert response.status_code == 400 and "earned_on" in response.json(), response.content
    assert not LedgerEntry.objects.exists()


def test_rest_import_of_a_bad_row_is_a_400_with_the_row_report(world):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(world["admin"])
    data = csv_bytes(ENTRY_HEADER, [[world["learner"].id_number, "中心组学习", "2026-03-01", "99999999999", ""]])
    response = client.post(reverse("cadre_policy:api-import-entries"),
                           {"file": SimpleUploadedFile("e.csv", data), "reason": REASON}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 2, "column": "学时", "message": "Amounts are less than 10,000,000."}]


def test_rest_import_of_a_zip_bomb_is_a_400(world):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(world["admin"])
    response = client.post(reverse("cadre_policy:api-import-roster"),
                           {"file": SimpleUploadedFile("bomb.xlsx", zip_bomb_xlsx(3_000_000))}, format="multipart")
    assert response.status_code == 400 and "unpacks to" in response.json()["file"][0]


# -- overlays in the admin and the console -------------------------------------------------------------

def test_the_alias_bomb_typed_into_the_admin_overlay_field_is_refused_at_once(world):
    node = OrgNode(code="AH-HF-SX-C", name="县审计局", kind="unit", parent=world["tree"]["county"],
                   overlay=alias_bomb())
    outcome, elapsed, peak = measured(node.full_clean)
    assert isinstance(outcome, ValidationError) and "aliases" in str(outcome.message_dict["overlay"])
    assert elapsed < 1.0 and peak < 100 * MB, (elapsed, peak)
    with pytest.raises(ValidationError, match="nested deeper"):
        policy.parse_overlay("x: " + "[" * 1000 + "]" * 1000)


@pytest.mark.parametrize("body, fragment", [
    (b"[" * 100_000 + b"]" * 100_000, "nested deeper than 32 levels"),
    (b'{"source": "group_study", "hours": ' + b"9" * 5000 + b"}", "at most 20 are accepted"),
    (b'{"source": "group_study", "reason": "\\ud800"}', "lone surrogate"),
    (b'{"source": "group_study", "reason": "a\\u0000b"}', "control character"),
    (b"\xff\xfe{}", "not UTF-8 text"),
])
def test_rest_json_bodies_beyond_the_bounds_are_a_400_not_a_500(world, body, fragment):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(world["admin"])
    url = reverse("cadre_policy:api-learner-entries", args=[world["learner"].user_id])
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400 and fragment in response.json()["detail"], response.content[:300]
    assert not LedgerEntry.objects.exists()
