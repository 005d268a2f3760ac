"""
Academic-year windows: which year's requirement a day's learning counts toward.

Fujian's year ends 20 Dec and 21–31 Dec is a closed statistics period; Anhui's year ends
31 Oct with a make-up month in November and December belongs to no year; the others run
on the calendar year.  A window never spans New Year in these documents, and the schema
keeps start ≤ end, so one calendar year holds exactly one academic year.
"""
from __future__ import annotations

from datetime import date

from .model import Period

YEAR = "year"
MAKEUP = "makeup"
STATISTICS = "statistics"


def _day(year, monthday):
    month, day = (int(part) for part in monthday.split("-"))
    return date(year, month, day)


def period(pack, year):
    """The academic year ``year`` under ``pack``: its start, end, make-up end and statistics days."""
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
