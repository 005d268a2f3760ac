"""Minutes, hours and credits per pack, with 四舍五入 rounding at exactly .5."""
from decimal import Decimal

import pytest

from cadre_policy_plugin.rules.decimals import fmt, half_up, whole_half_up

from .helpers import entry, only, status

D = Decimal


@pytest.mark.parametrize(
    "minutes, category, hours, value",
    [
        ("22.5", "required", "1", "1"),  # 0.5 hour rounds half up to 1, never to 0
        ("22", "required", "0", "0"),  # 0.49 hour rounds down
        ("45", "elective", "1", "0.5"),  # elective 0.5 credit per hour
        ("67.5", "required", "2", "2"),  # 1.5 -> 2
        ("112.5", "required", "3", "3"),  # 2.5 -> 3: not banker's rounding (which gives 2)
        ("112.5", "elective", "3", "1.5"),
        ("100", "required", "2", "2"),  # 2.22 -> 2
        ("90", "elective", "2", "1"),
    ],
)
def test_loudi_rounds_lecture_time_half_up_to_whole_hours(minutes, category, hours, value):
    result = only(status("loudi", [entry(minutes=minutes, category=category)]))
    assert result.counted
    assert (result.hours, result.value) == (D(hours), D(value))


def test_loudi_rounds_course_hours_given_directly():
    result = only(status("loudi", [entry(hours="2.5", category="elective")]))
    assert (result.hours, result.value) == (D("3"), D("1.5"))


@pytest.mark.parametrize(
    "policy, minutes, hours",
    [
        ("fujian-2017", "100", "2.22"),
        ("fujian-2017", "22.5", "0.5"),
        ("anhui-2019", "50", "1.11"),
        ("anhui-2019", "0.225", "0.01"),  # 0.005 rounds half up at two places
        ("nei-mongol-2016", "45", "1"),
        ("nei-mongol-2016", "30", "0.67"),
    ],
)
def test_other_packs_convert_minutes_exactly_to_two_places(policy, minutes, hours):
    result = only(status(policy, [entry(minutes=minutes, category="elective")]))
    assert result.hours == D(hours) and result.value == D(hours)


def test_loudi_exam_bonus_counts_into_total_only():
    st = status("loudi", [entry(id="b", source="exam_bonus", credits="2")])
    assert only(st).category is None and only(st).value == D("2")
    assert st.requirement("total").earned == D("2")
    assert st.requirement("required").earned == D("0")


def test_loudi_special_course_credits_count_as_given_into_their_category():
    st = status("loudi", [entry(source="special_course", credits="3", category="required")])
    assert only(st).value == D("3") and only(st).hours is None
    assert st.requirement("required").earned == D("3")


def test_half_up_helpers_never_use_bankers_rounding():
    assert whole_half_up(D("0.5")) == 1
    assert whole_half_up(D("2.5")) == 3
    assert half_up(D("0.125"), 2) == D("0.13")
    assert half_up(D("41.65"), 1) == D("41.7")


@pytest.mark.parametrize("value, text", [(D("2.00"), "2"), (D("2.50"), "2.5"), (D("1E+1"), "10"), (D("-0"), "0"),
                                         (D("-1.25"), "-1.25"), (D("0.05"), "0.05")])
def test_decimals_are_written_without_trailing_zeros_or_exponents(value, text):
    assert fmt(value) == text
