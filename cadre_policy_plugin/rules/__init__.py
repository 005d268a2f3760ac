"""
The pure rules engine: hours, credits, windows, quotas, caps and policy packs.

No Django, Celery, XBlock or requests import is allowed anywhere below this package
(an import-linter contract enforces it), so every number can be computed and tested
without a database, and the plugin, the XBlock, the reports and the registry sync all
compute it the same way.
"""
from .contract import parse_year_input
from .cycle import CycleStatus, evaluate_cycle
from .errors import InputError, PackError, RulesError
from .evaluate import evaluate, proration_factor
from .model import Assessment, Entry, EntryResult, Learner, Period, Requirement, YearInput, YearStatus
from .pack import (
    Pack,
    PackRegistry,
    apply_overlay,
    available_packs,
    load_overlay_file,
    load_pack,
    parse_overlay_text,
    validate_file,
)
from .windows import CalendarPosition, academic_year_for, calendar_position, period

__all__ = [
    "Assessment",
    "CycleStatus",
    "Entry",
    "EntryResult",
    "InputError",
    "Learner",
    "Pack",
    "PackError",
    "PackRegistry",
    "Period",
    "Requirement",
    "RulesError",
    "YearInput",
    "YearStatus",
    "academic_year_for",
    "calendar_position",
    "CalendarPosition",
    "apply_overlay",
    "available_packs",
    "evaluate",
    "evaluate_cycle",
    "load_overlay_file",
    "load_pack",
    "parse_overlay_text",
    "parse_year_input",
    "period",
    "proration_factor",
    "validate_file",
]
