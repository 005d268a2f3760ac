"""Academic-year windows, make-up periods and statistics periods at their boundary days."""
import pytest

from cadre_policy_plugin.rules import academic_year_for, load_pack

from .helpers import entry, only, status


@pytest.mark.parametrize(
    "policy, on, counted, reason",
    [
        ("fujian-2017", "2026-01-01", True, None),
        ("fujian-2017", "2026-12-20", True, None),
        ("fujian-2017", "2026-12-21", False, "statistics_period"),
        ("fujian-2017", "2026-12-31", False, "statistics_period"),
        ("fujian-2017", "2025-12-20", False, "outside_academic_year"),
        ("fujian-2017", "2027-01-01", False, "outside_academic_year"),
        ("anhui-2019", "2026-10-31", True, None),
        ("anhui-2019", "2026-11-01", True, None),  # make-up period counts toward 2026
        ("anhui-2019", "2026-11-30", True, None),
        ("anhui-2019", "2026-12-01", False, "outside_academic_year"),  # December counts toward no year
        ("anhui-2019", "2026-12-31", False, "outside_academic_year"),
        ("anhui-2019", "2025-11-15", False, "outside_academic_year"),  # last year's make-up
        ("loudi", "2026-12-31", True, None),
        ("loudi", "2027-01-01", False, "outside_academic_year"),
        ("loudi", "2025-12-31", False, "outside_academic_year"),
        ("nei-mongol-2016", "2026-12-31", True, None),
        ("nei-mongol-2016", "2026-01-01", True, None),
    ],
)
def test_an_entry_counts_only_inside_its_academic_year(policy, on, counted, reason):
    result = only(status(policy, [entry(on=on, minutes="45", category="elective")]))
    assert result.counted is counted
    assert result.reason == reason


@pytest.mark.parametrize(
    "policy, on, expected",
    [
        ("anhui-2019", "2026-11-01", (2026, "makeup")),
        ("anhui-2019", "2026-10-31", (2026, "year")),
        ("anhui-2019", "2026-12-01", (None, None)),
        ("fujian-2017", "2026-12-21", (2026, "statistics")),
        ("fujian-2017", "2026-12-20", (2026, "year")),
        ("loudi", "2026-06-30", (2026, "year")),
    ],
)
def test_academic_year_for_names_the_year_and_the_kind_of_window(policy, on, expected):
    from datetime import date

    assert academic_year_for(load_pack(policy), date.fromisoformat(on)) == expected


def test_anhui_period_reports_its_makeup_end():
    assert status("anhui-2019").period.as_dict() == {
        "start": "2026-01-01", "end": "2026-10-31", "makeup_end": "2026-11-30"}


def test_fujian_period_ends_on_20_december():
    assert status("fujian-2017").period.as_dict() == {"start": "2026-01-01", "end": "2026-12-20", "makeup_end": None}


def test_anhui_makeup_hours_help_meet_the_year():
    entries = [entry(id="oct", on="2026-10-31", hours="30", category="elective"),
               entry(id="nov", on="2026-11-30", hours="20", category="elective")]
    st = status("anhui-2019", entries)
    assert st.met
    assert [e.makeup for e in st.entries] == [False, True]
