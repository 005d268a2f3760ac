"""
The bounds of the heartbeat protocol: every field of every learner request, checked
before anything is read from or written to the database.

PURE (no Django, no XBlock), like :mod:`verification`: a body that breaks a bound
raises :class:`BadRequest` with a stable code, which the handler answers as HTTP 400
``{"error": code}``; nothing is changed.  The bounds are those of an honest client
(docs/xblock.md, README "The heartbeat protocol"):

* the body is a JSON object of at most ``MAX_BODY_BYTES``;
* ``position`` is a finite number within the media (``0 … duration + slack``);
* ``rate`` is a finite number in ``(0, 16]`` (what browsers can play);
* ``idle_seconds`` is a finite number within a day;
* ``seq`` is an integer ``1 … MAX_SEQ`` (exact in JavaScript) and at most
  ``MAX_SEQ_STEP`` past the session's last accepted one (:func:`check_seq`), so no
  input can push a session's sequence number where its own client cannot follow;
* ``visible``/``focused`` are booleans, ``token``/``check_id`` short strings, and
  ``answer`` a choice id or a short list of them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

MAX_BODY_BYTES = 16 * 1024
MAX_RATE = Decimal(16)
MAX_IDLE_SECONDS = Decimal(24 * 3600)
MAX_SEQ = 2**53 - 1
MAX_SEQ_STEP = 10_000
MAX_TOKEN = 1024
MAX_ID = 64
MAX_ANSWERS = 8

BAD_JSON = "bad_json"
BAD_BODY = "bad_body"
BAD_TOKEN = "bad_token"
BAD_SEQ = "bad_seq"
SEQ_OUT_OF_RANGE = "seq_out_of_range"
BAD_POSITION = "bad_position"
BAD_RATE = "bad_rate"
BAD_IDLE = "bad_idle_seconds"
BAD_VISIBLE = "bad_visible"
BAD_FOCUSED = "bad_focused"
BAD_CHECK_ID = "bad_check_id"
BAD_ANSWER = "bad_answer"

CODES = (BAD_JSON, BAD_BODY, BAD_TOKEN, BAD_SEQ, SEQ_OUT_OF_RANGE, BAD_POSITION, BAD_RATE, BAD_IDLE, BAD_VISIBLE,
         BAD_FOCUSED, BAD_CHECK_ID, BAD_ANSWER)


class BadRequest(Exception):
    """A request outside the protocol's bounds: HTTP 400 with ``code``, nothing changed."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Beat:
    """A heartbeat body within bounds (amounts as Decimals)."""

    token: str
    seq: int
    position: Decimal
    rate: Decimal
    visible: bool
    focused: bool
    idle_seconds: Decimal


@dataclass(frozen=True)
class Answer:
    """An ``answer_check`` body within bounds."""

    token: str
    seq: int
    check_id: str
    answer: tuple[str, ...]


def require_object(data) -> dict:
    if not isinstance(data, dict):
        raise BadRequest(BAD_BODY)
    return data


def start_position(data, *, duration: Decimal, slack: Decimal) -> Decimal | None:
    """``start_session``'s optional ``position``."""
    data = require_object(data)
    if data.get("position") is None:
        return None
    return _position(data["position"], duration, slack)


def heartbeat(data, *, duration: Decimal, slack: Decimal) -> Beat:
    """A ``heartbeat`` body, or :class:`BadRequest`."""
    data = require_object(data)
    rate = Decimal(1) if data.get("rate") is None else _number(data["rate"], BAD_RATE)
    if not Decimal(0) < rate <= MAX_RATE:
        raise BadRequest(BAD_RATE)
    idle = Decimal(0) if data.get("idle_seconds") is None else _number(data["idle_seconds"], BAD_IDLE)
    if not Decimal(0) <= idle <= MAX_IDLE_SECONDS:
        raise BadRequest(BAD_IDLE)
    if "position" not in data:
        raise BadRequest(BAD_POSITION)
    return Beat(
        token=_token(data), seq=_seq(data.get("seq")), position=_position(data["position"], duration, slack),
        rate=rate, visible=_flag(data, "visible", BAD_VISIBLE), focused=_flag(data, "focused", BAD_FOCUSED),
        idle_seconds=idle,
    )


def answer(data) -> Answer:
    """An ``answer_check`` body, or :class:`BadRequest`."""
    data = require_object(data)
    check_id = data.get("check_id")
    if not isinstance(check_id, str) or not 0 < len(check_id) <= MAX_ID:
        raise BadRequest(BAD_CHECK_ID)
    given = data.get("answer")
    if isinstance(given, str):
        given = [given]
    if (not isinstance(given, list) or not 0 < len(given) <= MAX_ANSWERS
            or not all(isinstance(item, str) and 0 < len(item) <= MAX_ID for item in given)):
        raise BadRequest(BAD_ANSWER)
    return Answer(token=_token(data), seq=_seq(data.get("seq")), check_id=check_id, answer=tuple(given))


def check_seq(seq: int, last_seq: int) -> None:
    """A sequence number no further past the session's last accepted one than a client can get."""
    if seq > last_seq + MAX_SEQ_STEP:
        raise BadRequest(SEQ_OUT_OF_RANGE)


# ----------------------------------------------------------------------- fields


def _number(value, code) -> Decimal:
    """A finite JSON number (never a string, a boolean or an infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequest(code)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadRequest(code)
        return Decimal(repr(value))
    if abs(value) > 10**15:  # a bound far beyond every field's, before any arithmetic on it
        raise BadRequest(code)
    return Decimal(value)


def _position(value, duration, slack) -> Decimal:
    number = _number(value, BAD_POSITION)
    if not Decimal(0) <= number <= duration + slack:
        raise BadRequest(BAD_POSITION)
    return number


def _seq(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SEQ:
        raise BadRequest(BAD_SEQ)
    return value


def _flag(data, name, code) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise BadRequest(code)
    return value


def _token(data) -> str:
    token = data.get("token", "")
    if token is None:
        token = ""
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        raise BadRequest(BAD_TOKEN)
    return token
