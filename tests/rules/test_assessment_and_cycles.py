"""Anhui Art. 17 assessment ladder across cycle boundaries; Inner Mongolia five-year cycle."""
from datetime import date
from decimal import Decimal

import pytest

from cadre_policy_plugin.rules import Learner, apply_overlay, evaluate_cycle, load_pack

from .helpers import entry, status

MET = [entry(hours="50", category="elective")]


F = False


@pytest.mark.parametrize(
    "year, met, history, run, in_cycle, rating",
    [
        (2026, True, {2025: F, 2024: F}, 0, 0, "excellent"),
        (2026, False, {}, 1, 1, "competent"),
        (2026, False, {2025: True}, 1, 1, "competent"),
        (2026, False, {2025: F}, 2, 2, "basically_competent"),
        (2026, False, {2025: F, 2024: F}, 3, 3, "incompetent"),
        (2026, False, {2025: F, 2024: F, 2023: F}, 4, 4, "incompetent"),
        (2026, False, {2025: F, 2024: True, 2023: F}, 2, 2, "basically_competent"),
        (2026, False, {2024: F}, 1, 1, "competent"),  # 2025 unknown: the run stops there
        (2027, False, {2026: F, 2025: F}, 3, 3, "incompetent"),  # last year of the 2023-2027 cycle
        # Across the boundary into the 2028-2032 cycle: the two-year rung is not bounded by
        # the cycle (连续2年未完成 → not 称职), only the three-year rung is (一个考核周期中连续3年).
        (2028, False, {2027: F}, 2, 1, "basically_competent"),
        (2028, False, {2027: F, 2026: F}, 3, 1, "basically_competent"),
        (2029, False, {2028: F, 2027: F}, 3, 2, "basically_competent"),
        (2030, False, {2029: F, 2028: F, 2027: F}, 4, 3, "incompetent"),
        (2028, False, {2027: True}, 1, 1, "competent"),
        (2028, True, {2027: F, 2026: F}, 0, 0, "excellent"),
        (2023, False, {2022: F, 2021: F}, 3, 1, "basically_competent"),  # 2023 opens the cycle
        (2025, False, {2024: F, 2023: F, 2022: F}, 4, 3, "incompetent"),
    ],
)
def test_anhui_ladder_two_year_rung_crosses_cycles_three_year_rung_stays_in_the_cycle(
        year, met, history, run, in_cycle, rating):
    entries = [entry(on=f"{year}-03-01", hours="50", category="elective")] if met else []
    st = status("anhui-2019", entries, year=year, history=history)
    assert st.met is met
    assessment = st.assessment.as_dict()
    assert (assessment["consecutive_incomplete_years"], assessment["consecutive_incomplete_in_cycle"],
            assessment["max_rating"]) == (run, in_cycle, rating)


def _anhui_cycle_from(first_year):
    overlay = {"extends": "anhui-2019", "key": f"anhui-2019+cycle-{first_year}",
               "title": {"zh-Hans": "考核周期细则", "en": "Assessment cycle rules"}, "document": {"title": "示例细则"},
               "assessment": {"cycle_start": first_year, "cycle_years": 5, "cite": "示例细则第二条 考核周期自该年起算"}}
    return apply_overlay(load_pack("anhui-2019"), overlay)


@pytest.mark.parametrize(
    "cycle_start, year, history, cycle, rating",
    [
        (2023, 2028, {2027: F, 2026: F}, (2028, 2032), "basically_competent"),
        (2024, 2028, {2027: F, 2026: F}, (2024, 2028), "incompetent"),  # all three inside 2024-2028
        (2024, 2029, {2028: F, 2027: F}, (2029, 2033), "basically_competent"),
        (2026, 2028, {2027: F, 2026: F}, (2026, 2030), "incompetent"),
        (2027, 2028, {2027: F, 2026: F}, (2027, 2031), "basically_competent"),
    ],
)
def test_an_overlay_sets_the_assessment_cycles_first_year(cycle_start, year, history, cycle, rating):
    st = status("anhui-2019", [], year=year, history=history, pack=_anhui_cycle_from(cycle_start))
    assert (st.assessment.cycle_start, st.assessment.cycle_end) == cycle
    assert st.assessment.max_rating == rating


@pytest.mark.parametrize("policy", ["fujian-2017", "loudi", "nei-mongol-2016"])
def test_policies_without_a_ladder_report_no_assessment(policy):
    assert status(policy).as_dict()["assessment"] is None


def test_nei_mongol_five_year_cycle_counts_institution_training_across_years():
    pack = load_pack("nei-mongol-2016")
    entries = [
        entry(id="a", source="offline_training", on="2023-05-01", half_days="50"),  # 200 h
        entry(id="b", source="offline_training", on="2025-05-01", half_days="50"),  # 200 h
        entry(id="c", source="online_course", on="2025-06-01", hours="40"),  # online: not institution time
        entry(id="d", source="offline_training", on="2022-05-01", half_days="50"),  # previous cycle
    ]
    cycle = evaluate_cycle(pack, Learner(rank="county"), entries, 2026)
    assert (cycle.start, cycle.end) == (2023, 2027)
    assert cycle.earned == Decimal("400") and cycle.needed == Decimal("550")
    assert not cycle.met
    assert cycle.as_dict()["shortfall"] == "150"


def test_five_year_cycle_does_not_apply_to_other_cadres_and_is_neither_met_nor_missed():
    cycle = evaluate_cycle(load_pack("nei-mongol-2016"), Learner(rank="staff"), [], 2026)
    assert cycle.applies is False
    assert cycle.met is None
    assert cycle.as_dict()["met"] is None and cycle.as_dict()["shortfall"] is None


@pytest.mark.parametrize("cycle_start, year, bounds, earned", [
    (2023, 2026, (2023, 2027), Decimal("400")),   # a, b in 2023-2027 (d is 2022)
    (2022, 2026, (2022, 2026), Decimal("600")),   # d, a, b in 2022-2026
    (2024, 2026, (2024, 2028), Decimal("200")),   # only b
])
def test_an_overlay_sets_the_five_year_cycles_first_year(cycle_start, year, bounds, earned):
    base = load_pack("nei-mongol-2016")
    five_year = {**base.data["five_year"], "cycle_start": cycle_start, "cite": "示例细则 周期自该年起算"}
    pack = apply_overlay(base, {"extends": "nei-mongol-2016", "key": f"nm+{cycle_start}", "title": {"zh-Hans": "细则"},
                                "document": {"title": "示例细则"}, "five_year": five_year})
    entries = [
        entry(id="a", source="offline_training", on="2023-05-01", half_days="50"),
        entry(id="b", source="offline_training", on="2025-05-01", half_days="50"),
        entry(id="d", source="offline_training", on="2022-05-01", half_days="50"),
    ]
    cycle = evaluate_cycle(pack, Learner(rank="county"), entries, year)
    assert (cycle.start, cycle.end) == bounds
    assert cycle.earned == earned


def test_packs_without_a_cycle_have_none():
    assert evaluate_cycle(load_pack("loudi"), Learner(rank="county"), [], 2026) is None


def test_year_status_is_separate_from_the_cycle():
    st = status("nei-mongol-2016", [entry(hours="50"), entry(id="o", source="offline_training", half_days="15")],
                rank="county")
    assert st.met
    assert "cycle" not in st.as_dict()
    assert date(2026, 1, 1) == st.period.start
