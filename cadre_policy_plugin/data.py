"""
Plain data objects that cross app boundaries.

The XBlock, the sync adapter and the views receive these from ``api.py`` and from the
ledger signal instead of model instances, so no other app depends on this app's
models (conventions: ``api.py`` returns plain data).  No Django import here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class LedgerEntryData:
    """
    One row of a learner's electronic training file, as other apps see it.

    ``uuid`` is stable for ever and is what the registry knows the record by;
    ``reverses`` names the uuid of the entry that a reversal cancels.
    """

    uuid: str
    user_id: int
    source: str
    category: str | None
    hours: Decimal | None
    credits: Decimal | None
    earned_on: date
    academic_year: int | None
    policy_key: str
    evidence_type: str
    evidence_ref: str
    reason: str
    reverses: str | None
    created: datetime
    entered_by_id: int | None = None
    course_key: str | None = None
    #: The engine's reason code when the entry counted for nothing ("" when it counted).
    excluded_reason: str = ""
    #: what exactly happened (block session ids, certificate status and issue, exam pass)
    evidence_detail: dict = field(default_factory=dict)

    @property
    def counted(self):
        """True when the entry holds hours or credits toward an academic year."""
        return self.hours is not None or self.credits is not None

    @property
    def filed_year(self):
        """
        The year the entry is filed under: the academic year it counts for, else the
        calendar year of ``earned_on`` (windows never span New Year, so the training
        file of that year is where the learner and the registry find it; ADR 0031).
        """
        return self.academic_year if self.academic_year is not None else self.earned_on.year


@dataclass(frozen=True)
class RegistryIdentity:
    """
    What the provincial registry needs to file a record under a cadre.

    .. pii: ``id_number`` is the national ID number; callers must never log it.
    """

    user_id: int
    id_number: str
    real_name: str
    unit_code: str
    region_key: str


@dataclass(frozen=True)
class IdentityCorrectionData:
    """
    One identity correction, as the sync adapter sends it: ``user_id``'s records move
    at the registry from ``old_id_number`` to ``new_id_number`` (``kind`` "correct" or
    "merge"; for a merge ``into_user_id`` is the account that stays).

    .. pii: both numbers are national ID numbers; callers must never log them.
    """

    uuid: str
    kind: str
    user_id: int
    into_user_id: int | None
    old_id_number: str
    new_id_number: str
    at: datetime


@dataclass(frozen=True)
class YearTotals:
    """A learner's ledger totals for one academic year (used by reconciliation)."""

    user_id: int
    year: int
    hours: Decimal
    credits: Decimal
    entry_count: int
    entry_uuids: tuple[str, ...] = field(default_factory=tuple)
