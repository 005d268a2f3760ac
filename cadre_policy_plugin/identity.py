"""
National ID numbers (居民身份证号码, GB 11643-1999) and mobile numbers.

Why a module of its own: the checks are pure (no Django), they are used by the model
validators, the admin forms, the REST serializers and the sync adapter's tests, and
the masking/hashing rules for personal data must be the same everywhere.

.. pii: every function here handles a national ID number; none of them logs it.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

ID_NUMBER_LENGTH = 18
# ISO 7064 MOD 11-2 weights for positions 1..17 (GB 11643-1999, 6.2).
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


class IdNumberError(ValueError):
    """An ID number failed one of the GB 11643 checks; ``code`` says which."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def normalize_id_number(value: str) -> str:
    """Strip spaces and upper-case the check character (``x`` and ``X`` are one person)."""
    return (value or "").strip().replace(" ", "").upper()


def id_check_char(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def id_birth_date(value: str) -> date:
    """The birth date encoded in positions 7-14; raises IdNumberError("birth_date")."""
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise IdNumberError("birth_date") from exc


def check_id_number(value: str, *, today: date | None = None) -> str:
    """
    Return the normalized ID number or raise :class:`IdNumberError`.

    Checks, in order: length (``length``), shape (``format``: 17 digits and a digit
    or X), birth date (``birth_date``: a real date, not in the future, not before
    1900), check digit (``checksum``).
    """
    value = normalize_id_number(value)
    if len(value) != ID_NUMBER_LENGTH:
        raise IdNumberError("length")
    if not _ID_SHAPE.match(value):
        raise IdNumberError("format")
    born = id_birth_date(value)
    if born.year < 1900 or born > (today or date.today()):
        raise IdNumberError("birth_date")
    if id_check_char(value[:17]) != value[17]:
        raise IdNumberError("checksum")
    return value


def mask_id_number(value: str) -> str:
    """Show the first 3 and last 4 characters only (``340***********123X``)."""
    value = normalize_id_number(value)
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# An ID number inside other text: 18 characters (17 digits and a digit or X) or the
# 15-digit first-generation number, not part of a longer run of digits.
_ID_IN_TEXT = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")


def mask_id_numbers_in(text: str) -> str:
    """``text`` with every ID-number-shaped run masked (a user name that is an ID number)."""
    return _ID_IN_TEXT.sub(lambda match: mask_id_number(match.group(0)), text or "")


def hash_id_number(value: str, key: bytes) -> str:
    """
    Keyed hash (HMAC-SHA256, hex) used for lookup and the one-person-one-account rule.

    A plain hash of an 18-digit number with a known structure can be reversed by
    enumeration in minutes, so the hash is keyed with a secret kept outside the
    database (see ADR 0011).
    """
    return hmac.new(key, normalize_id_number(value).encode("ascii"), hashlib.sha256).hexdigest()


def looks_like_id_number(value: str) -> bool:
    """True for what a person typing an ID number types: 17 digits and a digit, ``X`` or ``x``."""
    return bool(_ID_SHAPE.match(normalize_id_number(value)))


def looks_like_mobile(value: str) -> bool:
    """True for an 11-digit mainland mobile number (spaces ignored)."""
    return bool(MOBILE_PATTERN.match((value or "").strip().replace(" ", "")))


def hash_mobile(value: str, key: bytes) -> str:
    """
    Keyed hash of a mobile number for sign-in lookups (HMAC-SHA256, hex).

    The message is prefixed (``mobile:``) so that a mobile number and an ID number can
    never share a digest; 11-digit numbers are as easy to enumerate as ID numbers, so
    the key is the same secret (ADR 0011, ADR 0016).
    """
    number = (value or "").strip().replace(" ", "")
    return hmac.new(key, b"mobile:" + number.encode("ascii"), hashlib.sha256).hexdigest()


def check_mobile(value: str) -> str:
    """Return the mobile number (mainland, 11 digits starting 13-19) or raise ValueError."""
    value = (value or "").strip().replace(" ", "")
    if not MOBILE_PATTERN.match(value):
        raise ValueError("mobile")
    return value


def mask_mobile(value: str) -> str:
    """Show ``138****5678``."""
    value = (value or "").strip()
    if len(value) != 11:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]
