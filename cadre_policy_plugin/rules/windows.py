"""
Academic-year windows: which year's requirement a day's learning counts toward.

Fujian's year ends 20 Dec and 21–31 Dec is a closed statistics period; Anhui's year ends
31 Oct with a make-up month in November and December belongs to no year; the others run
on the calendar year.  A window never spans New Year in these documents, and the schema
keeps start ≤ end, so one calendar year holds exactly one academic year.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .memo import remember
from .model import Period

YEAR = "year"
MAKEUP = "makeup"
STATISTICS = "statistics"


def _day(year, monthday):
    month, day = (int(part) for part in monthday.split("-"))
    return date(year, month, day)


def period(pack, year):
    """The academic year ``year`` under ``pack``: its start, end, make-up end and statistics days."""
    return remember(pack, ("period", year), lambda: _period(pack, year))


def _period(pack, year):
    spec = pack.academic_year
    statistics = spec.get("statistics")
    return Period(
        start=_day(year, spec["start"]),
        end=_day(year, spec["end"]),
        makeup_end=_day(year, spec["makeup_end"]) if spec.get("makeup_end") else None,
        statistics=(_day(year, statistics["start"]), _day(year, statistics["end"])) if statistics else None,
    )


def academic_year_for(pack, day):
    """
    ``(year, kind)`` for a day: ``kind`` is ``"year"`` inside the academic year,
    ``"makeup"`` inside its make-up period, ``"statistics"`` inside the closed statistics
    period (nothing earned there counts), or ``(None, None)`` when the day belongs to no year.
    """
    return remember(pack, ("owner", day), lambda: _owner(pack, day))


def _owner(pack, day):
    window = period(pack, day.year)
    if window.start <= day <= window.end:
        return day.year, YEAR
    if window.makeup_end and window.end < day <= window.makeup_end:
        return day.year, MAKEUP
    if window.statistics and window.statistics[0] <= day <= window.statistics[1]:
        return day.year, STATISTICS
    return None, None


def inclusive_days(first, last):
    """Days from ``first`` to ``last``, both counted (20 Dec to 20 Dec is one day)."""
    return (last - first).days + 1


GAP = "gap"


@dataclass(frozen=True)
class CalendarPosition:
    """
    Where a day stands in a pack's calendar, for telling a learner *before* they study.

    ``kind`` is ``"year"``, ``"makeup"``, ``"statistics"`` or ``"gap"`` (a day no academic
    year owns, such as Anhui's December).  ``counts_for`` is the academic year that hours
    earned that day count for (``None`` in a statistics period or a gap).  ``phase_ends``
    is the last day of the current phase, ``days_left`` the days from the day to it (both
    counted), and ``next_year_starts`` the first day of the next academic year.
    """

    day: date
    kind: str
    counts_for: int | None
    period: Period
    phase_ends: date
    days_left: int
    next_year_starts: date


def calendar_position(pack, day):
    """The :class:`CalendarPosition` of ``day`` under ``pack`` (see its docstring)."""
    window = period(pack, day.year)
    following = period(pack, day.year + 1).start
    year, kind = academic_year_for(pack, day)
    if kind == YEAR:
        ends = window.end
    elif kind == MAKEUP:
        ends = window.makeup_end
    elif kind == STATISTICS:
        ends = window.statistics[1]
    elif day < window.start:
        kind, ends = GAP, window.start - timedelta(days=1)
    else:
        kind, ends = GAP, following - timedelta(days=1)
    counts_for = year if kind in (YEAR, MAKEUP) else None
    next_start = window.start if day < window.start else following
    return CalendarPosition(day=day, kind=kind, counts_for=counts_for, period=window, phase_ends=ends,
                            days_left=inclusive_days(day, ends), next_year_starts=next_start)
