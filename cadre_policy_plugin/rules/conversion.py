"""
From what a learner did to hours and to the pack's unit.

Each source has one *measure*: lecture time (minutes, hours as the course assigns,
credits assigned directly, or half days at 4 hours each), written output (Inner Mongolia
Art. 7: 4 hours per full 1000 characters) or teaching (Art. 8: 4 hours per full 45
minutes taught).  Rounding follows the pack: Loudi rounds a course's duration half up to
whole hours (Art. 10); elsewhere minutes convert exactly, kept to two decimals.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .decimals import ONE, full_blocks, half_up, whole_half_up
from .errors import InputError
from .vocabulary import ABSENCE_OVER_LIMIT, ADJUSTMENT, CATEGORIES, CREDITS

QUANTITY_FIELDS = ("minutes", "hours", "credits", "half_days", "characters")


@dataclass(frozen=True)
class Converted:
    """An entry's worth: ``hours`` (None when credits were assigned directly) and ``value`` in the pack's unit."""

    hours: Decimal | None
    value: Decimal
    category: str | None
    reason: str | None = None


def _given_quantities(entry):
    return [name for name in QUANTITY_FIELDS if getattr(entry, name) is not None]


def _round_hours(pack, hours, source):
    # An administrator's adjustment is a correction, not lecture time: never rounded to whole hours.
    if pack.hour_rounding == "whole_half_up" and source != ADJUSTMENT:
        return whole_half_up(hours)
    return half_up(hours, 2)


def category_of(rule, entry, where):
    """The category an entry counts in under its source rule (``None``: the total only)."""
    if rule.category == "none":
        return None
    if rule.category in CATEGORIES:
        return rule.category
    if entry.category is None and rule.category == "given":
        raise InputError(f"{where}.category", f"{entry.source} needs a category (required or elective) under this policy")
    return entry.category


def _time_hours(pack, rule, entry, where):
    """Hours of lecture or training time, before the absence rule."""
    if entry.minutes is not None:
        return _round_hours(pack, entry.minutes / pack.hour_minutes, entry.source)
    if entry.hours is not None:
        return _round_hours(pack, entry.hours, entry.source)
    if entry.half_days is not None:
        if pack.half_day_hours is None:
            raise InputError(
                f"{where}.half_days", f"policy {pack.key} does not count training in half days; give hours or minutes"
            )
        return half_up(entry.half_days * pack.half_day_hours, 2)
    raise InputError(where, f"{entry.source} needs one of minutes, hours, credits or half_days")


def _check_quantities(rule, entry, where):
    given = _given_quantities(entry)
    allowed = {
        "time": ("minutes", "hours", "credits", "half_days"),
        "characters": ("characters", "hours"),
        "taught": ("minutes", "hours"),
    }[rule.measure]
    wrong = [name for name in given if name not in allowed]
    if wrong:
        raise InputError(f"{where}.{wrong[0]}", f"{entry.source} is measured by {' or '.join(allowed)} under this policy")
    if len(given) > 1:
        raise InputError(where, f"give exactly one of {', '.join(given)}")
    if not given:
        raise InputError(where, f"{entry.source} needs one of {', '.join(allowed)}")
    if entry.absent_hours is not None and rule.max_absence is None:
        raise InputError(f"{where}.absent_hours", f"{entry.source} has no absence rule under this policy")


def convert(pack, rule, entry, where):
    """The hours and value of one counted-source entry, or the exclusion reason from its own facts."""
    _check_quantities(rule, entry, where)
    category = category_of(rule, entry, where)
    if entry.credits is not None:
        # Credits assigned directly (Loudi Art. 10 special courses, exam bonus): they count as
        # given.  Under a pack counted in hours a credit is read as one hour.
        if pack.unit == CREDITS:
            return Converted(hours=None, value=half_up(entry.credits, 2), category=category)
        return Converted(hours=half_up(entry.credits, 2), value=half_up(entry.credits, 2), category=category)
    if rule.measure == "characters":
        hours = (
            half_up(entry.hours, 2)
            if entry.hours is not None
            else full_blocks(entry.characters, Decimal(rule.characters_per_block)) * rule.hours_per_block
        )
    elif rule.measure == "taught":
        hours = (
            half_up(entry.hours, 2)
            if entry.hours is not None
            else full_blocks(entry.minutes, Decimal(rule.minutes_per_block)) * rule.hours_per_block
        )
    else:
        hours = _time_hours(pack, rule, entry, where)
        if rule.max_absence is not None and entry.absent_hours is not None:
            numerator, denominator = rule.max_absence
            # "请假超过规定学时的1/7" — compare without dividing, so 1/7 stays exact.
            if entry.absent_hours * denominator > hours * numerator:
                return Converted(hours=None, value=Decimal("0"), category=category, reason=ABSENCE_OVER_LIMIT)
            hours = half_up(hours - entry.absent_hours, 2)
    return Converted(hours=hours, value=value_of(pack, hours, category), category=category)


def value_of(pack, hours, category):
    """Hours in the pack's unit: credits per category rate (Loudi), else the hours themselves."""
    if pack.unit != CREDITS:
        return hours
    rate = pack.credit_rates.get(category, ONE) if category else ONE
    return half_up(hours * rate, 2)
