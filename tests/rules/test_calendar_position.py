"""Where a day stands in each pack's calendar: what a learner is told before they study."""
from datetime import date

import pytest

from cadre_policy_plugin.rules import apply_overlay, calendar_position, load_pack

D = date.fromisoformat


@pytest.mark.parametrize(
    "policy, day, kind, counts_for, phase_ends, days_left, next_year_starts",
    [
        ("anhui-2019", "2027-01-01", "year", 2027, "2027-10-31", 304, "2028-01-01"),
        ("anhui-2019", "2027-06-15", "year", 2027, "2027-10-31", 139, "2028-01-01"),
        ("anhui-2019", "2027-10-31", "year", 2027, "2027-10-31", 1, "2028-01-01"),
        ("anhui-2019", "2027-11-01", "makeup", 2027, "2027-11-30", 30, "2028-01-01"),
        ("anhui-2019", "2027-11-30", "makeup", 2027, "2027-11-30", 1, "2028-01-01"),
        ("anhui-2019", "2026-12-01", "gap", None, "2026-12-31", 31, "2027-01-01"),
        ("anhui-2019", "2026-12-31", "gap", None, "2026-12-31", 1, "2027-01-01"),
        ("anhui-2019", "2028-02-29", "year", 2028, "2028-10-31", 246, "2029-01-01"),
        ("fujian-2017", "2027-12-20", "year", 2027, "2027-12-20", 1, "2028-01-01"),
        ("fujian-2017", "2027-12-21", "statistics", None, "2027-12-31", 11, "2028-01-01"),
        ("fujian-2017", "2027-12-31", "statistics", None, "2027-12-31", 1, "2028-01-01"),
        ("fujian-2017", "2028-02-29", "year", 2028, "2028-12-20", 296, "2029-01-01"),
        ("loudi", "2027-12-31", "year", 2027, "2027-12-31", 1, "2028-01-01"),
        ("loudi", "2028-01-01", "year", 2028, "2028-12-31", 366, "2029-01-01"),
        ("nei-mongol-2016", "2027-12-20", "year", 2027, "2027-12-31", 12, "2028-01-01"),
    ],
)
def test_each_day_of_the_year_has_a_phase_an_end_and_a_next_start(policy, day, kind, counts_for, phase_ends,
                                                                     days_left, next_year_starts):
    position = calendar_position(load_pack(policy), D(day))
    assert (position.kind, position.counts_for, position.phase_ends, position.days_left,
            position.next_year_starts) == (kind, counts_for, D(phase_ends), days_left, D(next_year_starts))


def test_a_year_that_starts_late_leaves_a_gap_before_its_start():
    overlay = {"extends": "loudi", "key": "loudi+march", "title": {"zh-Hans": "细则"}, "document": {"title": "示例细则"},
               "academic_year": {"start": "03-01", "end": "12-31", "makeup_end": None, "statistics": None,
                                 "cite": "示例细则 学年自3月1日起"}}
    pack = apply_overlay(load_pack("loudi"), overlay)
    position = calendar_position(pack, D("2027-02-10"))
    assert (position.kind, position.counts_for, position.phase_ends, position.next_year_starts) == (
        "gap", None, D("2027-02-28"), D("2027-03-01"))


@pytest.mark.parametrize("policy", ["anhui-2019", "fujian-2017", "loudi", "nei-mongol-2016"])
def test_every_day_of_a_leap_year_is_placed_and_phases_chain_without_holes(policy):
    pack = load_pack(policy)
    day = D("2028-01-01")
    while day.year == 2028:
        position = calendar_position(pack, day)
        assert position.days_left >= 1
        assert position.phase_ends >= day
        assert (position.counts_for is None) == (position.kind in ("gap", "statistics"))
        day = date.fromordinal(day.toordinal() + 1)
