"""
Reading untrusted YAML and JSON with bounded cost: size, nesting, aliases, numbers, text.

Why a module of its own: a 300-byte YAML overlay with nested aliases (an "alias bomb")
expands ×9 per level and cost seconds and half a gigabyte before anything was checked;
a 100,000-deep JSON array, a 5000-digit integer or a lone surrogate ended in a traceback.
Every document a person hands the engine -- an overlay in the admin or the console, a
pack or overlay file for ``cadre-hours``, the learner's year as JSON -- comes through
here, so each limit is enforced once, before the document is built:

* the text is at most ``MAX_DOCUMENT_CHARS`` characters and holds no NUL or other
  control character (binary files are refused, not parsed);
* YAML aliases (``*name``, and so ``<<: *name`` merges) are refused outright: the packs
  and overlays never need them, and an alias is what makes a bomb;
* nesting is at most ``MAX_DEPTH`` levels (checked while composing YAML and by a scan of
  the JSON text before it is parsed, so neither parser recurses deeply);
* JSON integers have at most ``MAX_INT_DIGITS`` digits and NaN/Infinity are refused;
* no string holds a lone surrogate (it cannot be written out as UTF-8).

Every refusal is a :class:`DocumentError` with a location (line and column where the
parser knows them) and a message a person can act on.  Pure Python, no Django.
"""
from __future__ import annotations

import json
import re

import yaml

from .errors import RulesError

#: Largest pack, overlay or year document accepted (the bundled packs are ~10k characters).
MAX_DOCUMENT_CHARS = 256 * 1024
#: Deepest nesting of mappings and lists (a pack is 5 levels deep).
MAX_DEPTH = 32
#: Most digits of a JSON integer (a year has 4; amounts travel as decimal strings).
MAX_INT_DIGITS = 20

#: C0 controls except TAB, LF and CR, DEL, and the C1 controls.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class DocumentError(RulesError):
    """A document cannot be read within the limits (or at all)."""


def _position(text, index):
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


def check_text(text, where="(document)", *, limit=MAX_DOCUMENT_CHARS):
    """Refuse text that is too long, holds control characters or lone surrogates."""
    if not isinstance(text, str):
        raise DocumentError(where, "must be text")
    if len(text) > limit:
        raise DocumentError(where, f"is {len(text)} characters long; at most {limit} are read")
    bad = CONTROL_CHARS.search(text)
    if bad:
        raise DocumentError(_position(text, bad.start()),
                            f"control character U+{ord(bad.group()):04X}: this is not a text document")
    bad = _SURROGATE.search(text)
    if bad:
        raise DocumentError(_position(text, bad.start()), "a lone surrogate character is not valid text")
    return text


class _BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases and nesting deeper than MAX_DEPTH."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise DocumentError(_mark(event.start_mark),
                                f"YAML aliases (*{event.anchor}) are not accepted: write the values out")
        if self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise DocumentError(_mark(self.peek_event().start_mark),
                                    f"nested deeper than {MAX_DEPTH} levels")
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)


def _mark(mark):
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(document)"


def load_yaml(text, where="(document)"):
    """YAML (a superset of JSON) within the limits; ``DocumentError`` otherwise."""
    check_text(text, where)
    try:
        data = yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DocumentError(_mark(mark) if mark else where,
                            f"not valid YAML/JSON: {getattr(exc, 'problem', None) or exc}") from None
    except ValueError as exc:
        # Python refuses to build an int of more than 4300 digits (and YAML says so late).
        raise DocumentError(where, f"a value cannot be read: {exc}") from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops this first
        raise DocumentError(where, f"nested deeper than {MAX_DEPTH} levels") from None
    check_strings(data)
    return data


def check_strings(value, where=""):
    """
    Refuse control characters and lone surrogates inside a loaded document's keys and
    strings, and integers of more than MAX_INT_DIGITS digits.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= 10 ** MAX_INT_DIGITS:
            raise DocumentError(where or "(document)", f"an integer of more than {MAX_INT_DIGITS} digits")
    elif isinstance(value, str):
        if CONTROL_CHARS.search(value) or _SURROGATE.search(value):
            raise DocumentError(where or "(document)", "holds a control character or a lone surrogate")
    elif isinstance(value, dict):
        for key, child in value.items():
            place = f"{where}.{key}" if where else str(key)
            check_strings(key, place)
            check_strings(child, place)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            check_strings(child, f"{where}[{index}]")


def _json_depth_problem(text):
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        char = token.group()[0]
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return token.start()
        elif char in "]}":
            depth -= 1
    return None


def _parse_int(digits):
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise DocumentError("(number)", f"an integer of {len(digits)} digits; at most {MAX_INT_DIGITS} are accepted")
    return int(digits)


def _parse_constant(name):
    raise DocumentError("(number)", f"{name} is not a number this contract accepts")


def load_json(text, where="(document)"):
    """JSON within the limits; ``DocumentError`` otherwise (with line and column)."""
    check_text(text, where)
    deep = _json_depth_problem(text)
    if deep is not None:
        raise DocumentError(_position(text, deep), f"nested deeper than {MAX_DEPTH} levels")
    try:
        data = json.loads(text, parse_int=_parse_int, parse_constant=_parse_constant)
    except json.JSONDecodeError as exc:
        raise DocumentError(where, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:  # pragma: no cover - the depth scan stops this first
        raise DocumentError(where, f"nested deeper than {MAX_DEPTH} levels") from None
    check_strings(data)
    return data
