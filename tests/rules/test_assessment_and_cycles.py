"""Anhui Art. 17 assessment ladder across cycle boundaries; Inner Mongolia five-year cycle."""
from datetime import date
from decimal import Decimal

import pytest

from cadre_policy_plugin.rules import Learner, evaluate_cycle, load_pack

from .helpers import entry, status

MET = [entry(hours="50", category="elective")]


@pytest.mark.parametrize(
    "year, met, history, count, rating",
    [
        (2026, True, {2025: False, 2024: False}, 0, "excellent"),
        (2026, False, {}, 1, "competent"),
        (2026, False, {2025: True}, 1, "competent"),
        (2026, False, {2025: False}, 2, "basically_competent"),
        (2026, False, {2025: False, 2024: False}, 3, "incompetent"),
        (2026, False, {2025: False, 2024: False, 2023: False}, 4, "incompetent"),
        (2026, False, {2025: False, 2024: True, 2023: False}, 2, "basically_competent"),
        (2026, False, {2024: False}, 1, "competent"),  # 2025 unknown: the run stops there
        # cycle 2023-2027 ends; 2028 starts a new cycle and the run restarts
        (2027, False, {2026: False, 2025: False}, 3, "incompetent"),
        (2028, False, {2027: False, 2026: False}, 1, "competent"),
        (2029, False, {2028: False, 2027: False}, 2, "basically_competent"),
        (2030, False, {2029: False, 2028: False, 2027: False}, 3, "incompetent"),
        (2023, False, {2022: False, 2021: False}, 1, "competent"),  # 2023 opens the cycle
        (2025, False, {2024: False, 2023: False, 2022: False}, 3, "incompetent"),
    ],
)
def test_anhui_ladder_counts_consecutive_incomplete_years_within_the_cycle(year, met, history, count, rating):
    entries = [entry(on=f"{year}-03-01", hours="50", category="elective")] if met else []
    st = status("anhui-2019", entries, year=year, history=history)
    assert st.met is met
    assert st.assessment.as_dict() == {"consecutive_incomplete_years": count, "max_rating": rating}


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


def test_five_year_cycle_does_not_apply_to_other_cadres():
    cycle = evaluate_cycle(load_pack("nei-mongol-2016"), Learner(rank="staff"), [], 2026)
    assert cycle.applies is False and cycle.met


def test_packs_without_a_cycle_have_none():
    assert evaluate_cycle(load_pack("loudi"), Learner(rank="county"), [], 2026) is None


def test_year_status_is_separate_from_the_cycle():
    st = status("nei-mongol-2016", [entry(hours="50"), entry(id="o", source="offline_training", half_days="15")],
                rank="county")
    assert st.met
    assert "cycle" not in st.as_dict()
    assert date(2026, 1, 1) == st.period.start
