"""
The engine's input and output values: a learner's year in, the year's status out.

Frozen dataclasses, so a status can be cached (the plugin's YearStatus table) and
compared, and so nothing downstream can quietly change a number after evaluation.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .decimals import fmt


@dataclass(frozen=True)
class Entry:
    """
    One thing a learner did that may earn hours.

    Exactly one quantity describes it: ``minutes`` of lecture, ``hours`` as the course
    assigns, ``credits`` assigned directly (special courses, exam bonuses), ``half_days``
    of off-job training (with ``absent_hours``), or ``characters`` of written self-study.
    """

    id: str
    source: str
    on: date
    category: str | None = None
    minutes: Decimal | None = None
    hours: Decimal | None = None
    credits: Decimal | None = None
    half_days: Decimal | None = None
    absent_hours: Decimal | None = None
    characters: Decimal | None = None
    exam_passed: bool | None = None


@dataclass(frozen=True)
class Learner:
    """What the rules need to know about a cadre: rank and first registration date."""

    rank: str
    registered_on: date | None = None


@dataclass(frozen=True)
class YearInput:
    """One learner's year as the engine evaluates it."""

    year: int
    learner: Learner
    entries: tuple[Entry, ...] = ()
    history: dict[int, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Period:
    """The academic year's window; ``makeup_end`` closes a make-up period where there is one."""

    start: date
    end: date
    makeup_end: date | None = None
    statistics: tuple[date, date] | None = None

    def as_dict(self):
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "makeup_end": self.makeup_end.isoformat() if self.makeup_end else None,
        }


@dataclass(frozen=True)
class EntryResult:
    """How one entry was judged: counted with its hours and value, or excluded with a reason."""

    id: str
    counted: bool
    category: str | None = None
    hours: Decimal | None = None
    value: Decimal | None = None
    reason: str | None = None
    source: str | None = None
    makeup: bool = False

    def as_dict(self):
        if not self.counted:
            return {"id": self.id, "counted": False, "reason": self.reason}
        return {
            "id": self.id,
            "counted": True,
            "category": self.category,
            "hours": fmt(self.hours),
            "value": fmt(self.value),
        }


@dataclass(frozen=True)
class Requirement:
    """One line of the year's quota: ``needed`` vs ``earned`` (after caps), in the pack's unit."""

    key: str
    needed: Decimal
    earned: Decimal
    cite: str = ""

    @property
    def met(self):
        return self.earned >= self.needed

    @property
    def shortfall(self):
        return max(self.needed - self.earned, Decimal("0"))

    def as_dict(self):
        return {
            "key": self.key,
            "needed": fmt(self.needed),
            "earned": fmt(self.earned),
            "met": self.met,
            "shortfall": fmt(self.shortfall),
        }


@dataclass(frozen=True)
class Assessment:
    """
    The Anhui Art. 17 ceiling on the annual assessment rating: the run of incomplete
    years ending with this one (across cycles), the part of it inside the assessment
    cycle, and the cycle itself.
    """

    consecutive_incomplete_years: int
    consecutive_incomplete_in_cycle: int
    max_rating: str
    cycle_start: int
    cycle_end: int

    def as_dict(self):
        return {
            "consecutive_incomplete_years": self.consecutive_incomplete_years,
            "consecutive_incomplete_in_cycle": self.consecutive_incomplete_in_cycle,
            "cycle": {"start": self.cycle_start, "end": self.cycle_end},
            "max_rating": self.max_rating,
        }


@dataclass(frozen=True)
class YearStatus:
    """The engine's answer for one learner's year (the public ``evaluate`` contract)."""

    policy: str
    year: int
    unit: str
    period: Period
    entries: tuple[EntryResult, ...]
    requirements: tuple[Requirement, ...]
    assessment: Assessment | None = None

    @property
    def met(self):
        return all(requirement.met for requirement in self.requirements)

    def requirement(self, key):
        """The requirement called ``key`` (``total``, ``required``, ``online``) or None."""
        for requirement in self.requirements:
            if requirement.key == key:
                return requirement
        return None

    def as_dict(self):
        return {
            "policy": self.policy,
            "year": self.year,
            "unit": self.unit,
            "period": self.period.as_dict(),
            "entries": [entry.as_dict() for entry in self.entries],
            "requirements": [requirement.as_dict() for requirement in self.requirements],
            "met": self.met,
            "assessment": self.assessment.as_dict() if self.assessment else None,
        }
