"""
The year's status: which entries count, what they are worth, and whether the quota is met.

``evaluate`` is the one function every other part of the project calls (the plugin's
year-status cache, the XBlock's progress line, reports, the registry reconciliation,
the ``cadre-hours`` command), so a learner's number is the same everywhere.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .assessment import assess
from .conversion import convert
from .decimals import ZERO, half_up
from .errors import InputError
from .memo import remember
from .model import EntryResult, Requirement, YearStatus
from .vocabulary import (
    BEFORE_REGISTRATION,
    EXAM_NOT_PASSED,
    OUTSIDE_ACADEMIC_YEAR,
    RANKS,
    REQUIRED,
    SOURCE_NOT_COUNTED,
    SOURCES,
    STATISTICS_PERIOD,
)
from .windows import MAKEUP, STATISTICS, academic_year_for, inclusive_days, period


def _converted(pack, rule, entry, index):
    """
    ``convert`` of the entry, remembered per pack by what the conversion reads (source,
    category and quantities, never the id or the date): a province's ledger holds a few
    thousand distinct quantities, and the close converts each of them for every learner.
    A refused entry raises each time, with its own location.
    """
    key = ("convert", entry.source, entry.category, entry.minutes, entry.hours, entry.credits, entry.half_days,
           entry.absent_hours, entry.characters)
    return remember(pack, key, lambda: convert(pack, rule, entry, f"entries[{index}]"))


def _judge(pack, year, learner, entry, index):
    """One entry (``entries[index]``) on its own: an EntryResult (value before caps) for the evaluated year."""
    if entry.source not in SOURCES:
        raise InputError(f"entries[{index}].source", f"unknown source {entry.source!r}; one of {', '.join(SOURCES)}")
    rule = pack.sources[entry.source]
    if not rule.counted:
        return EntryResult(id=entry.id, counted=False, reason=SOURCE_NOT_COUNTED, source=entry.source)
    converted = _converted(pack, rule, entry, index)
    owner, kind = academic_year_for(pack, entry.on)
    if owner != year:
        return EntryResult(id=entry.id, counted=False, reason=OUTSIDE_ACADEMIC_YEAR, source=entry.source)
    if kind == STATISTICS:
        return EntryResult(id=entry.id, counted=False, reason=STATISTICS_PERIOD, source=entry.source)
    registration = pack.registration
    if registration and registration["exclude_before"] and learner.registered_on and entry.on < learner.registered_on:
        return EntryResult(id=entry.id, counted=False, reason=BEFORE_REGISTRATION, source=entry.source)
    if converted.reason:
        return EntryResult(id=entry.id, counted=False, reason=converted.reason, source=entry.source)
    if rule.exam_required and converted.category == REQUIRED and entry.exam_passed is not True:
        return EntryResult(id=entry.id, counted=False, reason=EXAM_NOT_PASSED, source=entry.source)
    # Positional (id, counted, category, hours, value, reason, source, makeup): the one
    # result built for nearly every entry, and keywords cost a frozen dataclass a third more.
    return EntryResult(entry.id, True, converted.category, converted.hours, converted.value, None, entry.source,
                       kind == MAKEUP)


def proration_factor(pack, year, learner):
    """
    Share of the annual task due in the registration year (Fujian §4.2): days from
    registration to the year's end over the days of the whole academic year, both ends
    inclusive.  1 outside the registration year; 0 for a year before registration.
    """
    registration = pack.registration
    registered = learner.registered_on
    if not registration or not registration["prorate"] or registered is None:
        return Decimal(1)
    window = period(pack, year)
    if registered <= window.start:
        return Decimal(1)
    if registered > window.end:
        return Decimal(0)
    return Decimal(inclusive_days(registered, window.end)) / Decimal(inclusive_days(window.start, window.end))


def _needed(pack, year, learner):
    """The year's requirement lines (key, needed, cite) for the learner's rank, pro-rated."""
    group = pack.quota_for(learner.rank)
    lines = [("total", group.total, group.cites.get("total", ""))]
    if group.required is not None:
        lines.append(("required", group.required, group.cites.get("required", "")))
    elif group.required_share is not None:
        lines.append(("required", half_up(group.total * group.required_share, 2), group.cites.get("required_share", "")))
    for key, _sources, amount, cite in group.minimums:
        lines.append((key, amount, cite))
    factor = proration_factor(pack, year, learner)
    if factor != 1:
        places = pack.registration.get("prorate_places", 1)
        lines = [(key, half_up(amount * factor, places), cite) for key, amount, cite in lines]
    return lines


def _apply_caps(caps, counted, rank, key_of):
    """
    Lower each counted entry's effective value so every cap's group stays under its
    maximum.  Entries are taken in (date, id) order, so which entry is cut never depends
    on the order the entries were given in; the totals would not either way.
    """
    for cap in caps:
        if not cap.applies_to(rank):
            continue
        running = defaultdict(lambda: ZERO)
        for item in counted:
            if item["result"].source not in cap.sources:
                continue
            bucket = key_of(item)
            room = max(cap.max - running[bucket], ZERO)
            if item["effective"] > room:
                item["effective"] = room
            running[bucket] += item["effective"]


def evaluate(pack, year_input):
    """Evaluate one learner's year under ``pack`` and return the :class:`YearStatus`."""
    year = year_input.year
    learner = year_input.learner
    if learner.rank not in RANKS:
        raise InputError("learner.rank", f"unknown rank {learner.rank!r}; one of {', '.join(RANKS)}")
    seen = {}
    for index, entry in enumerate(year_input.entries):
        if entry.id in seen:
            raise InputError(f"entries[{index}].id", f"duplicate id {entry.id!r} (also entries[{seen[entry.id]}])")
        seen[entry.id] = index
    results = [_judge(pack, year, learner, entry, index) for index, entry in enumerate(year_input.entries)]
    counted = sorted(
        (
            {"entry": entry, "result": result, "effective": result.value}
            for entry, result in zip(year_input.entries, results)
            if result.counted
        ),
        key=lambda item: (item["entry"].on, item["entry"].id),
    )
    _apply_caps(pack.daily_caps, counted, learner.rank, key_of=lambda item: item["entry"].on)
    _apply_caps(pack.caps, counted, learner.rank, key_of=lambda item: None)

    earned = {
        "total": sum((item["effective"] for item in counted), ZERO),
        "required": sum((item["effective"] for item in counted if item["result"].category == REQUIRED), ZERO),
    }
    for key, sources, _amount, _cite in pack.quota_for(learner.rank).minimums:
        earned[key] = sum((item["effective"] for item in counted if item["result"].source in sources), ZERO)
    requirements = tuple(
        Requirement(key=key, needed=needed, earned=earned[key], cite=cite)
        for key, needed, cite in _needed(pack, year, learner)
    )
    status = YearStatus(
        policy=pack.key,
        year=year,
        unit=pack.unit,
        period=period(pack, year),
        entries=tuple(results),
        requirements=requirements,
    )
    if pack.assessment:
        status = YearStatus(
            policy=status.policy,
            year=status.year,
            unit=status.unit,
            period=status.period,
            entries=status.entries,
            requirements=status.requirements,
            assessment=assess(pack.assessment, year, status.met, year_input.history),
        )
    return status
