"""
Where the registry files a record (plain Python, shared by the outbox and the adapters).

ADR 0031: every record the registry receives names an academic year.  An entry that
counts for no year (earned in Anhui's December, after the make-up month) is still part
of the learner's electronic training file, so it is sent, filed under the calendar year
it was earned in, with ``counted: false`` and the engine's reason.
"""
from datetime import date


def filed_year(academic_year, earned_on):
    """
    The year a record is filed under at the registry: its academic year, or for an
    entry that counts for no year (Anhui's December) the calendar year of the day it
    was earned — never nothing (ADR 0031).
    """
    if academic_year is not None:
        return int(academic_year)
    if isinstance(earned_on, str):
        earned_on = date.fromisoformat(earned_on[:10])
    return earned_on.year if earned_on is not None else None
