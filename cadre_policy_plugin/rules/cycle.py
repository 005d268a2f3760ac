"""
Five-year cycles (Inner Mongolia Art. 9): 550 hours at Party schools or recognised
institutions within one cycle for county level and above.

Reported apart from the year's status: a year can be met while the cycle is still
short, and the cycle only closes at its last year.  For a rank the 550 hours do not
apply to, ``met`` is ``None`` (nothing to meet), never ``True``.  The cycle's first
year is the pack's ``five_year.cycle_start``, which an overlay may set.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .assessment import cycle_bounds
from .decimals import ZERO, fmt
from .evaluate import evaluate
from .model import YearInput


@dataclass(frozen=True)
class CycleStatus:
    """Hours at recognised institutions within the cycle holding ``year``."""

    policy: str
    start: int
    end: int
    applies: bool
    needed: Decimal | None
    earned: Decimal
    by_year: dict

    @property
    def met(self):
        """True or False where the requirement applies to the learner's rank; ``None`` where it does not."""
        if not self.applies:
            return None
        return self.earned >= self.needed

    def as_dict(self):
        return {
            "policy": self.policy,
            "cycle": {"start": self.start, "end": self.end},
            "applies": self.applies,
            "needed": fmt(self.needed),
            "earned": fmt(self.earned),
            "met": self.met,
            "shortfall": fmt(max(self.needed - self.earned, ZERO)) if self.applies else None,
            "by_year": {str(year): fmt(hours) for year, hours in sorted(self.by_year.items())},
        }


def evaluate_cycle(pack, learner, entries, year):
    """The cycle status for ``year``: each cycle year evaluated by the year rules, counting the cycle's sources."""
    spec = pack.five_year
    if not spec:
        return None
    start, end = cycle_bounds(spec["cycle_start"], spec["cycle_years"], year)
    applies = learner.rank in spec["ranks"]
    by_year = {}
    for each in range(start, min(end, year) + 1):
        status = evaluate(pack, YearInput(year=each, learner=learner, entries=tuple(entries)))
        by_source = {entry.id: entry.source for entry in entries}
        by_year[each] = sum(
            (result.hours or ZERO for result in status.entries
             if result.counted and by_source[result.id] in spec["sources"]),
            ZERO,
        )
    return CycleStatus(
        policy=pack.key,
        start=start,
        end=end,
        applies=applies,
        needed=Decimal(spec["needed"]) if applies else None,
        earned=sum(by_year.values(), ZERO),
        by_year=by_year,
    )
