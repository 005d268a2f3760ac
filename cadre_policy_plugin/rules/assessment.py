"""
Assessment consequences and multi-year cycles.

Anhui Art. 17: a year not completed caps the annual rating below 优秀; two consecutive
years cap it below 称职; three or more consecutive years within one five-year assessment
cycle mean 不称职.  As this project reads it, the run of incomplete years is counted
backwards from the evaluated year and stops at the start of the current cycle (cycles
2023–2027, 2028–2032, ...), and at the first year that was met or is not known.
"""
from __future__ import annotations

from .model import Assessment
from .vocabulary import BASICALLY_COMPETENT, COMPETENT, EXCELLENT, INCOMPETENT

LADDER = (EXCELLENT, COMPETENT, BASICALLY_COMPETENT, INCOMPETENT)


def cycle_bounds(cycle_start, cycle_years, year):
    """First and last year of the cycle holding ``year`` (cycles repeat both ways from ``cycle_start``)."""
    first = cycle_start + ((year - cycle_start) // cycle_years) * cycle_years
    return first, first + cycle_years - 1


def consecutive_incomplete(year, met_this_year, history, first_year):
    """Years not met in a row, ending with ``year`` and not reaching before ``first_year``."""
    if met_this_year:
        return 0
    count = 1
    earlier = year - 1
    while earlier >= first_year and history.get(earlier) is False:
        count += 1
        earlier -= 1
    return count


def assess(spec, year, met_this_year, history):
    """The Art. 17 ceiling for ``year`` under an assessment spec of a pack."""
    first, last = cycle_bounds(spec["cycle_start"], spec["cycle_years"], year)
    count = consecutive_incomplete(year, met_this_year, history, first)
    return Assessment(
        consecutive_incomplete_years=count,
        max_rating=LADDER[min(count, len(LADDER) - 1)],
        cycle_start=first,
        cycle_end=last,
    )
