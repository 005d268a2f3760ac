"""
What a plausible value is, for every door data comes in by (imports, REST, admin).

Why one module: a date of 0001-01-01 or 9999-12-31 was accepted as an entry's date,
and a NUL byte in a name reached PostgreSQL (which refuses it with a 500).  The
bounds are the same for a row of a file, a REST body and an admin form, so each door
asks here and words the refusal its own way (a row error, a field error).

Dates run from 2000-01-01 (before any of the four documents) to 31 December of the
year after the current one (a make-up period or a registration entered early); the
current year is read from the clock, so tests pin it.
"""
import re
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST_DATE = date(2000, 1, 1)
#: Amounts below 10 million with at most 2 decimal places (the ledger's columns hold 10 digits, 2 places).
AMOUNT_DIGITS = 7
AMOUNT_PLACES = 2
#: C0 controls except TAB, LF and CR, DEL, the C1 controls, and lone surrogates.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def latest_date(today=None):
    """31 December of the year after ``today`` (default: the local date now)."""
    today = today or timezone.localdate()
    return date(today.year + 1, 12, 31)


def date_problem(value, today=None):
    """A message when ``value`` lies outside the plausible range, else ``None``."""
    latest = latest_date(today)
    if value < EARLIEST_DATE or value > latest:
        return _("The date %(value)s is outside the plausible range %(earliest)s to %(latest)s.") % {
            "value": value.isoformat(), "earliest": EARLIEST_DATE.isoformat(), "latest": latest.isoformat()}
    return None


def amount_problem(value: Decimal):
    """A message when a finite ``value`` is too large or too precise for the ledger, else ``None``."""
    if value.is_zero():
        return None
    if value.adjusted() >= AMOUNT_DIGITS:
        return _("Amounts are less than %(limit)s.") % {"limit": f"{10 ** AMOUNT_DIGITS:,}"}
    if value.as_tuple().exponent < -AMOUNT_PLACES:
        return _("Amounts have at most %(places)s decimal places.") % {"places": AMOUNT_PLACES}
    return None


def text_problem(value):
    """A message when ``value`` holds NUL, another control character or a lone surrogate, else ``None``."""
    if isinstance(value, str) and CONTROL_CHARS.search(value):
        return _("The text holds a control character (such as NUL); type it again as plain text.")
    return None
