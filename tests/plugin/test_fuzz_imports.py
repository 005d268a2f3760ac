"""
Fuzzing the two import parsers (hypothesis, bounded budget): any bytes, any cells, a
CSV or an XLSX (well-formed or with bytes flipped) end in a row report or a
``ValidationError`` for the file -- never another exception, and a dry run writes
nothing.
"""
import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadre_policy_plugin.models import LearnerProfile, LedgerEntry
from cadre_policy_plugin.services.entry_import import import_entries
from cadre_policy_plugin.services.roster_import import import_roster
from tests.plugin.factories import make_admin, make_id_number, make_profile, make_tree
from tests.plugin.import_files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db
BUDGET = settings(max_examples=60, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

ROSTER = ["姓名", "身份证号", "手机号", "职级", "单位代码", "政治面貌", "职务", "注册日期", "用户名", "邮箱"]
ENTRIES = ["身份证号", "来源", "类别", "日期", "分钟", "学时", "半天", "请假学时", "字数", "凭证"]

cells = st.one_of(
    st.text(max_size=30), st.integers(min_value=-(10 ** 20), max_value=10 ** 20), st.none(),
    st.sampled_from(["1e999999", "99999999999", "NaN", "-1", "0001-01-01", "9999-12-31", "2026-02-30", "县处级",
                     "自学", "脱产培训", "必修", "AH-HF-SX-A", "\x00", "王\x1b芳", "=cmd|' /C calc'!A0", "\"", "x" * 1200]),
)


@pytest.fixture(scope="module")
def id_numbers():
    return [make_id_number(serial=600 + n, born=date(1971 + n, 1, 2)) for n in range(3)]


@pytest.fixture
def world(id_numbers):
    tree = make_tree(policy_key="nei-mongol-2016")
    make_profile(tree["a"], id_number=id_numbers[0])
    return {"admin": make_admin(tree["a"], "fuzz_admin"), "ids": id_numbers}


def rows_of(header, ids):
    id_cells = st.one_of(cells, st.sampled_from(ids))
    row = st.lists(st.one_of(cells, id_cells), min_size=0, max_size=len(header) + 2)
    return st.lists(row, max_size=8)


def run_both(world, data, name):
    """Both imports as a dry run: a report or a file-level ValidationError, nothing written."""
    profiles, entries = LearnerProfile.objects.count(), LedgerEntry.objects.count()
    for run in (lambda: import_roster(data, name, admin=world["admin"], dry_run=True),
                lambda: import_entries(data, name, admin=world["admin"], reason="模糊测试", dry_run=True)):
        try:
            report = run()
        except ValidationError as exc:
            assert exc.messages and all(message.strip() for message in exc.messages)
            continue
        assert not report.written
        for error in report.errors:
            assert error.row >= 1 and str(error.message).strip()
    assert (LearnerProfile.objects.count(), LedgerEntry.objects.count()) == (profiles, entries)


def _csv(header, rows, encoding):
    try:
        return csv_bytes(header, [[("" if cell is None else str(cell)).replace(",", "，") for cell in row]
                                  for row in rows], encoding=encoding)
    except UnicodeEncodeError:
        return csv_bytes(header, [], encoding=encoding)


@BUDGET
@given(st.data())
def test_csv_imports_never_raise(world, data):
    header = data.draw(st.sampled_from([ROSTER, ENTRIES]))
    rows = data.draw(rows_of(header, world["ids"]))
    encoding = data.draw(st.sampled_from(["utf-8-sig", "utf-8", "gb18030"]))
    run_both(world, _csv(header, rows, encoding), "fuzz.csv")


@BUDGET
@given(st.binary(max_size=600), st.sampled_from(["fuzz.csv", "fuzz.xlsx", ""]))
def test_arbitrary_bytes_never_raise(world, data, name):
    run_both(world, data, name)


def _xlsx(header, rows):
    from openpyxl.utils.exceptions import IllegalCharacterError

    try:
        return xlsx_bytes(header, rows)
    except (IllegalCharacterError, ValueError, TypeError):
        return xlsx_bytes(header, [])


@BUDGET
@given(st.data())
def test_xlsx_imports_never_raise_even_with_flipped_bytes(world, data):
    header = data.draw(st.sampled_from([ROSTER, ENTRIES]))
    book = _xlsx(header, data.draw(rows_of(header, world["ids"])))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(book) - 1), st.integers(0, 255)), max_size=4))
    damaged = bytearray(book)
    for position, value in flips:
        damaged[position] = value
    run_both(world, bytes(damaged), "fuzz.xlsx")


@BUDGET
@given(st.data())
def test_xlsx_with_a_damaged_member_never_raises(world, data):
    book = xlsx_bytes(ROSTER, [["王芳", world["ids"][1], "", "县处级", "AH-HF-SX-A"]])
    with zipfile.ZipFile(io.BytesIO(book)) as source:
        names = source.namelist()
        target_name = data.draw(st.sampled_from(names))
        members = {name: source.read(name) for name in names}
    original = members[target_name]
    cut = data.draw(st.integers(0, len(original)))
    members[target_name] = original[:cut] + data.draw(st.binary(max_size=40))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in members.items():
            target.writestr(name, content)
    run_both(world, buffer.getvalue(), "fuzz.xlsx")


def test_a_built_workbook_is_the_same_bytes_whenever_it_is_saved(monkeypatch):
    """The fuzz test draws byte positions from ``len(book)``; a clock in the bytes made its replays differ."""
    import datetime as real

    import openpyxl.writer.excel as excel

    class Clock:
        def __init__(self, instant):
            self.datetime = type("datetime", (), {"now": staticmethod(lambda tz=None: instant)})
            self.timezone = real.timezone

    books = []
    for instant in (real.datetime(2026, 12, 7, 16, 0, 1), real.datetime(2027, 11, 30, 23, 59, 58)):
        monkeypatch.setattr(excel, "datetime", Clock(instant))
        books.append(xlsx_bytes(ROSTER, [["王芳", "340104197101026009"]]))
    assert books[0] == books[1]
