"""Record validation of the reference registry (what a real registry would refuse)."""
import re
from datetime import date
from decimal import Decimal, InvalidOperation

KEY_RE = re.compile(r"^[0-9a-f]{64}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
REASON_RE = re.compile(r"^[a-z][a-z_]{0,31}$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_number_check_char(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits of an ID number."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def id_number_valid(value) -> bool:
    """True for an 18-character resident ID number with a correct check character."""
    return isinstance(value, str) and bool(ID_RE.match(value)) and id_number_check_char(value[:17]) == value[17]


def _amount(value):
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("bad_amount") from None
    if not amount.is_finite():
        raise ValueError("bad_amount")
    return amount


def validate_record(record):
    """Return ``None`` for a record the registry files, else ``(code, message)``."""
    if not isinstance(record, dict):
        return "bad_record", "a record must be an object"
    if not KEY_RE.match(str(record.get("idempotency_key") or "")):
        return "bad_idempotency_key", "idempotency_key must be 64 lowercase hex characters"
    if not record.get("record_id"):
        return "missing_record_id", "record_id is required"
    person = record.get("person") or {}
    if not id_number_valid(person.get("id_number")):
        return "invalid_id_number", "person.id_number is not a valid resident ID number"
    if not person.get("name"):
        return "missing_name", "person.name is required"
    try:
        earned_on = date.fromisoformat(str(record.get("earned_on")))
    except ValueError:
        return "bad_date", "earned_on must be an ISO date"
    # ADR 0031: every record is filed under an academic year, and an academic year
    # never spans New Year, so the year is the calendar year of earned_on.
    year = record.get("academic_year")
    if year is None:
        return "missing_academic_year", "academic_year is required (an uncounted entry is filed under its calendar year)"
    if not isinstance(year, int) or isinstance(year, bool):
        return "bad_year", "academic_year must be an integer"
    if year != earned_on.year:
        return "academic_year_mismatch", "academic_year must be the calendar year of earned_on"
    try:
        hours = _amount(record.get("hours"))
        credits = _amount(record.get("credits"))
    except ValueError:
        return "bad_amount", "hours and credits must be decimal strings"
    counted = record.get("counted")
    if not isinstance(counted, bool):
        return "missing_counted", "counted must be true or false"
    reason = record.get("uncounted_reason")
    if counted:
        if hours is None and credits is None:
            return "counted_without_amount", "a counted record carries hours or credits"
        if reason is not None:
            return "reason_on_counted", "uncounted_reason is only for records with counted false"
    else:
        # The ledger files entries the rules did not count (outside a window, in a
        # statistics period, exam not passed): on record, worth nothing, and why.
        if hours is not None or credits is not None:
            return "amount_on_uncounted", "a record with counted false carries no hours or credits"
        if not isinstance(reason, str) or not REASON_RE.match(reason):
            return "missing_uncounted_reason", "a record with counted false names its uncounted_reason"
    return None


TRANSFER_REASONS = ("id_number_correction", "account_merge")


def validate_transfer(transfer):
    """Return ``None`` for a transfer the registry carries out, else ``(code, message)``."""
    if not isinstance(transfer, dict):
        return "bad_transfer", "a transfer must be an object"
    if not KEY_RE.match(str(transfer.get("transfer_id") or "")):
        return "bad_transfer_id", "transfer_id must be 64 lowercase hex characters"
    if transfer.get("reason") not in TRANSFER_REASONS:
        return "bad_reason", f"reason must be one of {', '.join(TRANSFER_REASONS)}"
    source, target = transfer.get("from"), transfer.get("to")
    if not isinstance(source, dict) or not isinstance(target, dict):
        return "bad_transfer", "from and to must be objects"
    if not id_number_valid(source.get("id_number")) or not id_number_valid(target.get("id_number")):
        return "invalid_id_number", "from.id_number and to.id_number must be valid resident ID numbers"
    if source["id_number"] == target["id_number"]:
        return "same_person", "from and to name the same ID number"
    return None
