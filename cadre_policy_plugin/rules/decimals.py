"""
Decimal arithmetic for hours and credits, with the rounding each rule names.

Never ``float`` and never ``round()``: Python's ``round`` is banker's rounding, and the
documents say 四舍五入 (half up) — 22.5 minutes is half an hour and rounds to 1 hour.
"""
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0")
ONE = Decimal("1")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def to_decimal(value):
    """Parse a JSON string/int into a Decimal; ``None`` stays ``None``. Floats are refused."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, (bool, float)):
        raise ValueError("must be a decimal string such as \"2.5\" (floats lose precision)")
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a number") from exc
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


def half_up(value, places=2):
    """Round half up to ``places`` decimals (四舍五入)."""
    quantum = ONE.scaleb(-places) if places else ONE
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def whole_half_up(value):
    """Round half up to a whole number: 0.5 → 1, 2.5 → 3, never banker's rounding."""
    return value.quantize(ONE, rounding=ROUND_HALF_UP)


def full_blocks(value, block):
    """How many *full* blocks of ``block`` fit in ``value`` (999 characters → 0 of 1000)."""
    if value <= 0:
        return ZERO
    return (value / block).quantize(ONE, rounding=ROUND_DOWN)


def fraction(text):
    """Parse ``"1/7"`` or ``"0.25"`` into an exact Decimal ratio (numerator, denominator)."""
    text = str(text).strip()
    if "/" in text:
        num, den = text.split("/", 1)
        return Decimal(num), Decimal(den)
    return Decimal(text), ONE


#: ``fmt`` answers by value (2, 2.0 and 2.00 print alike): a year's statuses print the same
#: few hundred amounts over and over.  Bounded: past the limit, values are formatted anew.
_FORMATTED = {}
_FORMATTED_LIMIT = 50_000


def fmt(value):
    """Render a Decimal the way the JSON contract shows it: "2", "2.5", "-1.25", never "2.00" or "1E+1"."""
    if value is None:
        return None
    remembered = isinstance(value, Decimal) and value.is_finite()  # a signalling NaN cannot even be hashed
    text = _FORMATTED.get(value) if remembered else None
    if text is None:
        text = _format(value)
        if remembered and len(_FORMATTED) < _FORMATTED_LIMIT:
            _FORMATTED[value] = text
    return text


def _format(value):
    if value == 0:
        return "0"
    if value == value.to_integral_value():
        return str(value.quantize(ONE))
    text = format(value.normalize(), "f")
    return text
