"""
Assessment consequences and multi-year cycles.

Anhui Art. 17: 当年未完成 → not 优秀 that year; 连续2年未完成 → not 称职 or above;
一个考核周期（5年）中连续3年及以上未完成 → 不称职.  Only the third rung names the
five-year assessment cycle, so (ADR 0003):

* the two-year rung counts consecutive incomplete years backwards from the evaluated
  year across cycle boundaries (2027 and 2028 incomplete → 基本称职 in 2028, although
  2028 opens a new cycle);
* the three-year rung counts only the years of the cycle that holds the evaluated year
  (2027, 2028, 2029 incomplete with cycles 2028–2032 → two in the cycle → 基本称职);
* a run stops at the first year that was met or is not known.

The cycle's first year (``cycle_start``) and length are pack parameters that an
overlay may set (a region whose assessment cycle starts in 2024 says so there); cycles
repeat both ways from it.
"""
from __future__ import annotations

from .model import Assessment
from .vocabulary import BASICALLY_COMPETENT, COMPETENT, EXCELLENT, INCOMPETENT

#: Consecutive incomplete years within the cycle that make a cadre 不称职.
INCOMPETENT_RUN_IN_CYCLE = 3
#: Consecutive incomplete years (any cycle) that cap the rating below 称职.
BELOW_COMPETENT_RUN = 2


def cycle_bounds(cycle_start, cycle_years, year):
    """First and last year of the cycle holding ``year`` (cycles repeat both ways from ``cycle_start``)."""
    first = cycle_start + ((year - cycle_start) // cycle_years) * cycle_years
    return first, first + cycle_years - 1


def consecutive_incomplete(year, met_this_year, history, first_year=None):
    """Years not met in a row, ending with ``year`` (not reaching before ``first_year`` when given)."""
    if met_this_year:
        return 0
    count = 1
    earlier = year - 1
    while (first_year is None or earlier >= first_year) and history.get(earlier) is False:
        count += 1
        earlier -= 1
    return count


def max_rating(run, run_in_cycle):
    """The highest rating Art. 17 allows after ``run`` incomplete years (``run_in_cycle`` of them in the cycle)."""
    if run_in_cycle >= INCOMPETENT_RUN_IN_CYCLE:
        return INCOMPETENT
    if run >= BELOW_COMPETENT_RUN:
        return BASICALLY_COMPETENT
    if run >= 1:
        return COMPETENT
    return EXCELLENT


def assess(spec, year, met_this_year, history):
    """The Art. 17 ceiling for ``year`` under an assessment spec of a pack."""
    first, last = cycle_bounds(spec["cycle_start"], spec["cycle_years"], year)
    run = consecutive_incomplete(year, met_this_year, history)
    run_in_cycle = consecutive_incomplete(year, met_this_year, history, first)
    return Assessment(
        consecutive_incomplete_years=run,
        consecutive_incomplete_in_cycle=run_in_cycle,
        max_rating=max_rating(run, run_in_cycle),
        cycle_start=first,
        cycle_end=last,
    )
