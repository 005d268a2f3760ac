"""Record validation of the reference registry (what a real registry would refuse)."""
import re
from datetime import date
from decimal import Decimal, InvalidOperation

KEY_RE = re.compile(r"^[0-9a-f]{64}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
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
    year = record.get("academic_year")
    if year is not None and not isinstance(year, int):
        return "bad_year", "academic_year must be an integer or null"
    try:
        date.fromisoformat(str(record.get("earned_on")))
    except ValueError:
        return "bad_date", "earned_on must be an ISO date"
    # Both may be null: the ledger files entries the rules did not count (over a cap,
    # outside a window); they count nothing but are on record.
    try:
        _amount(record.get("hours"))
        _amount(record.get("credits"))
    except ValueError:
        return "bad_amount", "hours and credits must be decimal strings"
    return None
