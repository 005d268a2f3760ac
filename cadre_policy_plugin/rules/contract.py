"""
The public JSON contract of ``cadre-hours evaluate``: parsing a learner's year.

Decimal numbers arrive as JSON strings (``"2.5"``), dates as ``YYYY-MM-DD``.  Every
problem is an :class:`InputError` naming the field (``entries[3].minutes``), so the
command line can exit 2 with a message a person can act on instead of a traceback.
"""
from __future__ import annotations

import re
from datetime import date

from .decimals import to_decimal
from .errors import InputError
from .model import Entry, Learner, YearInput
from .vocabulary import CATEGORIES, RANKS, SOURCES

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The range of the contract's amounts: below 10 million, at most 6 decimal places
#: (the ledger keeps 2; a year holds a few hundred hours).  "1e30" and "1e999999" are
#: field errors, not arithmetic overflows deep in the engine.
AMOUNT_DIGITS = 7
AMOUNT_PLACES = 6
#: The earliest date any entry or registration may carry (the earliest pack is 2016's).
EARLIEST_DATE = date(2000, 1, 1)
AMOUNT_FIELDS = ("minutes", "hours", "credits", "half_days", "absent_hours", "characters")
WHOLE_FIELDS = ("half_days", "characters")


def parse_date(value, where, latest=None):
    """
    An ISO ``YYYY-MM-DD`` date from 2000 on (and not after ``latest`` when given), or
    an InputError naming ``where``.
    """
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise InputError(where, f"must be a date written YYYY-MM-DD, got {_shown(value)}")
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(where, f"{value!r} is not a real date") from exc
    if parsed < EARLIEST_DATE or (latest is not None and parsed > latest):
        last = latest.isoformat() if latest else "…"
        raise InputError(where, f"{value} is outside the plausible range {EARLIEST_DATE.isoformat()} to {last}")
    return parsed


def _shown(value, limit=40):
    """A value quoted for a message, cut short (a 5000-character value is not repeated)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def bounded_amount(amount, where):
    """``amount`` (a finite Decimal) when it lies in the contract's range, else an InputError."""
    if amount.is_zero():
        return amount
    if amount.adjusted() >= AMOUNT_DIGITS:
        raise InputError(where, f"must be less than {10 ** AMOUNT_DIGITS:,} (got {_shown(str(amount))})")
    if amount.as_tuple().exponent < -AMOUNT_PLACES:
        raise InputError(where, f"has more than {AMOUNT_PLACES} decimal places")
    return amount


def parse_year(value, where="year"):
    """A four-digit year from 2000 on, as a JSON number (or a string of digits)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not re.match(r"^\d{4}$", str(value)):
        raise InputError(where, f"must be a four-digit year such as 2026, got {_shown(value)}")
    if int(value) < EARLIEST_DATE.year:
        raise InputError(where, f"must be {EARLIEST_DATE.year} or later, got {value}")
    return int(value)


def _amount(raw, name, where):
    if isinstance(raw, str) and len(raw) > 40:
        raise InputError(f"{where}.{name}", f"is not a decimal string in range (got {_shown(raw)})")
    try:
        amount = to_decimal(raw)
    except ValueError as exc:
        raise InputError(f"{where}.{name}", str(exc)[:120]) from exc
    bounded_amount(amount, f"{where}.{name}")
    if name != "hours" and name != "credits" and amount < 0:
        raise InputError(f"{where}.{name}", "must not be negative")
    if name in WHOLE_FIELDS and amount != amount.to_integral_value():
        raise InputError(f"{where}.{name}", "must be a whole number")
    return amount


def parse_entry(raw, where, latest=None):
    """One entry object of the ``entries`` list (dated from 2000 to ``latest``)."""
    if not isinstance(raw, dict):
        raise InputError(where, "each entry must be a JSON object")
    if "id" not in raw or not isinstance(raw["id"], (str, int)) or isinstance(raw["id"], bool) or str(raw["id"]) == "":
        raise InputError(f"{where}.id", "each entry needs an id (a string)")
    source = raw.get("source")
    if source not in SOURCES:
        raise InputError(f"{where}.source", f"must be one of {', '.join(SOURCES)}, got {_shown(source)}")
    if "on" not in raw:
        raise InputError(f"{where}.on", "each entry needs the date it was earned (YYYY-MM-DD)")
    category = raw.get("category")
    if category is not None and category not in CATEGORIES:
        raise InputError(f"{where}.category", f"must be required or elective, got {_shown(category)}")
    exam_passed = raw.get("exam_passed")
    if exam_passed is not None and not isinstance(exam_passed, bool):
        raise InputError(f"{where}.exam_passed", "must be true or false")
    amounts = {name: _amount(raw[name], name, where) for name in AMOUNT_FIELDS if raw.get(name) is not None}
    if source != "adjustment":
        for name in ("hours", "credits"):
            if name in amounts and amounts[name] < 0:
                raise InputError(f"{where}.{name}", "only an adjustment may be negative")
    return Entry(
        id=str(raw["id"]),
        source=source,
        on=parse_date(raw["on"], f"{where}.on", latest),
        category=category,
        exam_passed=exam_passed,
        **amounts,
    )


def parse_year_input(raw):
    """The whole input document of ``cadre-hours evaluate`` as a :class:`YearInput`."""
    if not isinstance(raw, dict):
        raise InputError("(input)", "the input must be a JSON object with year, learner and entries")
    if "year" not in raw:
        raise InputError("year", "is required")
    year = parse_year(raw["year"])
    # Nothing is earned after the year evaluated and its make-up period.
    latest = date(year + 1, 12, 31)
    learner_raw = raw.get("learner")
    if not isinstance(learner_raw, dict):
        raise InputError("learner", "is required: an object with rank (and optionally registered_on)")
    rank = learner_raw.get("rank")
    if rank not in RANKS:
        raise InputError("learner.rank", f"must be one of {', '.join(RANKS)}, got {_shown(rank)}")
    registered_on = learner_raw.get("registered_on")
    learner = Learner(
        rank=rank,
        registered_on=parse_date(registered_on, "learner.registered_on", latest) if registered_on is not None else None,
    )
    history_raw = raw.get("history") or {}
    if not isinstance(history_raw, dict):
        raise InputError("history", "must map earlier years to true/false, e.g. {\"2025\": false}")
    history = {}
    for key, met in history_raw.items():
        earlier = parse_year(key, f"history.{key}")
        if not isinstance(met, bool):
            raise InputError(f"history.{key}", "must be true (quota met) or false")
        history[earlier] = met
    entries_raw = raw.get("entries", [])
    if not isinstance(entries_raw, list):
        raise InputError("entries", "must be a list of entry objects")
    entries = tuple(parse_entry(item, f"entries[{index}]", latest) for index, item in enumerate(entries_raw))
    return YearInput(year=year, learner=learner, entries=entries, history=history)
