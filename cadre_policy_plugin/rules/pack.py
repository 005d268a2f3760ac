"""
Policy packs: one region's rules as data, validated against a schema, refined by overlays.

A pack is a YAML file in ``cadre_policy_plugin/policies/``; every rule object carries
``cite``, the article of the document it comes from, so each number the engine uses can
be traced.  An *overlay* is a unit's or region's own implementing rules (Anhui Art. 18):
it names the pack it ``extends`` and sets only what it changes; the merged result is
validated with the same schema, so an overlay can never produce a pack the engine does
not understand.
"""
from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources

import yaml
from jsonschema import Draft202012Validator

from .bounded import MAX_DOCUMENT_CHARS, DocumentError, load_json, load_yaml
from .decimals import fraction, to_decimal
from .errors import PackError
from .vocabulary import RANKS

POLICIES_PACKAGE = "cadre_policy_plugin.policies"
OVERLAY_KEYS_REQUIRED = ("extends", "title", "document")
OVERLAY_KEYS_FORBIDDEN = ("region",)


@lru_cache(maxsize=1)
def _validator():
    schema = json.loads(resources.files(__package__).joinpath("pack.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _location(path):
    """Render a jsonschema path as ``quotas.all_learners.total.value``."""
    return ".".join(str(part) for part in path) or "(pack)"


def schema_problems(data):
    """Every schema violation of ``data`` as (location, message), in document order."""
    errors = sorted(_validator().iter_errors(data), key=lambda error: [str(p) for p in error.absolute_path])
    problems = [(_location(error.absolute_path), error.message) for error in errors]
    if problems:
        return problems
    return _semantic_problems(data)


def _semantic_problems(data):
    """What the schema cannot say: every rank in exactly one quota group; windows inside a year."""
    problems = []
    seen = {}
    for name, group in data["quotas"].items():
        for rank in group["ranks"]:
            if rank in seen:
                problems.append((f"quotas.{name}.ranks", f"rank {rank!r} is already in quota group {seen[rank]!r}"))
            seen[rank] = name
    missing = [rank for rank in RANKS if rank not in seen]
    if missing:
        problems.append(("quotas", f"no quota group for rank(s) {', '.join(missing)}"))
    year = data["academic_year"]
    for field_name in ("start", "end", "makeup_end"):
        value = year.get(field_name)
        if value:
            try:
                date(2001, *map(int, value.split("-")))
            except ValueError:
                problems.append((f"academic_year.{field_name}", f"{value!r} is not a real day of the year"))
    if year["start"] > year["end"]:
        problems.append(("academic_year", "start must not be after end"))
    if year.get("makeup_end") and year["makeup_end"] <= year["end"]:
        problems.append(("academic_year.makeup_end", "the make-up period must end after the academic year"))
    if data["unit"]["value"] == "credits" and data["credit_rates"] is None:
        problems.append(("credit_rates", "a pack counted in credits needs credit rates per category"))
    effective = data["effective"]
    if effective["until"] and effective["until"] < effective["from"]:
        problems.append(("effective.until", "must not be before effective.from"))
    for name, rule in data["sources"].items():
        measure = rule.get("measure", "time")
        if measure == "characters" and not ("characters_per_block" in rule and "hours_per_block" in rule):
            problems.append((f"sources.{name}", "measure 'characters' needs characters_per_block and hours_per_block"))
        if measure == "taught" and not ("minutes_per_block" in rule and "hours_per_block" in rule):
            problems.append((f"sources.{name}", "measure 'taught' needs minutes_per_block and hours_per_block"))
        if "max_absence" in rule:
            num, den = fraction(rule["max_absence"])
            if den == 0 or num / den > 1:
                problems.append((f"sources.{name}.max_absence", "must be a fraction between 0 and 1"))
    return problems


def overlay_problems(overlay):
    """Structural problems of an overlay before it is merged (each rule it sets must cite)."""
    problems = []
    if not isinstance(overlay, dict):
        return [("(overlay)", "an overlay must be a mapping")]
    for key in OVERLAY_KEYS_REQUIRED:
        if key not in overlay:
            problems.append((key, "an overlay must name this"))
    for key in OVERLAY_KEYS_FORBIDDEN:
        if key in overlay:
            problems.append((key, "an overlay cannot change the pack's region"))

    def walk(node, path):
        if isinstance(node, dict):
            ruleish = "value" in node or "counted" in node or "max" in node
            if ruleish and "cite" not in node and path and path[0] not in ("title", "document"):
                problems.append((_location(path), "every rule an overlay sets must carry its own 'cite'"))
            for key, child in node.items():
                walk(child, path + [key])

    walk(overlay, [])
    return problems


def merge(base, overlay):
    """Deep-merge ``overlay`` over ``base``: mappings merge key by key, anything else replaces."""
    result = copy.deepcopy(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


@dataclass(frozen=True)
class SourceRule:
    """How one source of hours is counted under a pack."""

    name: str
    counted: bool
    category: str
    exam_required: bool
    measure: str
    max_absence: tuple[Decimal, Decimal] | None
    characters_per_block: int | None
    minutes_per_block: int | None
    hours_per_block: Decimal | None
    cite: str


@dataclass(frozen=True)
class QuotaGroup:
    """The annual requirement for a set of ranks."""

    name: str
    ranks: tuple[str, ...]
    total: Decimal
    required: Decimal | None
    required_share: Decimal | None
    minimums: tuple[tuple[str, tuple[str, ...], Decimal, str], ...]
    cites: dict


@dataclass(frozen=True)
class Cap:
    """A ceiling on what a group of sources may add (per year, or per day for daily caps)."""

    name: str
    ranks: tuple[str, ...] | None
    sources: tuple[str, ...]
    max: Decimal
    cite: str

    def applies_to(self, rank):
        return self.ranks is None or rank in self.ranks


class Pack:
    """A validated policy pack (possibly with overlays applied); read-only."""

    def __init__(self, data, origin="(memory)"):
        problems = schema_problems(data)
        if problems:
            raise PackError(problems[0][0], f"invalid policy pack {origin}: {problems[0][1]}", problems)
        self.data = data
        self.origin = origin
        self.key = data["key"]
        self.region = data["region"]
        self.title = data["title"]
        self.unit = data["unit"]["value"]
        self.hour_minutes = Decimal(data["hour_minutes"]["value"])
        self.half_day_hours = Decimal(data["half_day_hours"]["value"]) if data.get("half_day_hours") else None
        self.hour_rounding = data["hour_rounding"]["value"]
        self.academic_year = data["academic_year"]
        self.registration = data["registration"]
        rates = data["credit_rates"]
        self.credit_rates = (
            {"required": to_decimal(rates["required"]), "elective": to_decimal(rates["elective"])} if rates else None
        )
        self.sources = {name: self._source(name, rule) for name, rule in data["sources"].items()}
        self.quotas = tuple(self._quota(name, group) for name, group in data["quotas"].items())
        self.caps = tuple(self._cap(name, cap) for name, cap in data["caps"].items())
        self.daily_caps = tuple(self._cap(name, cap) for name, cap in data["daily_caps"].items())
        self.assessment = data["assessment"]
        self.five_year = data["five_year"]
        self.grants_annual_certificate = bool(data["annual_certificate"]["value"])
        self.max_playback_rate = to_decimal(data["learning"]["max_playback_rate"]["value"])
        self.daily_cap_minutes = data["learning"]["daily_cap_minutes"]["value"]
        self.effective_from = date.fromisoformat(data["effective"]["from"])
        until = data["effective"]["until"]
        self.effective_until = date.fromisoformat(until) if until else None
        self.overlays = tuple(data.get("overlays", ()))
        # Answers that depend on the pack alone (``rules.memo``): the pack is read-only.
        self.memo = {}

    @staticmethod
    def _source(name, rule):
        absence = fraction(rule["max_absence"]) if "max_absence" in rule else None
        hours_per_block = rule.get("hours_per_block")
        return SourceRule(
            name=name,
            counted=rule["counted"],
            category=rule.get("category", "optional"),
            exam_required=rule.get("exam_required", False),
            measure=rule.get("measure", "time"),
            max_absence=absence,
            characters_per_block=rule.get("characters_per_block"),
            minutes_per_block=rule.get("minutes_per_block"),
            hours_per_block=Decimal(str(hours_per_block)) if hours_per_block is not None else None,
            cite=rule["cite"],
        )

    @staticmethod
    def _quota(name, group):
        def amount(key):
            rule = group.get(key)
            return to_decimal(rule["value"]) if rule and rule["value"] is not None else None

        return QuotaGroup(
            name=name,
            ranks=tuple(group["ranks"]),
            total=amount("total"),
            required=amount("required"),
            required_share=amount("required_share"),
            minimums=tuple(
                (key, tuple(rule["sources"]), to_decimal(rule["value"]), rule["cite"])
                for key, rule in group.get("minimums", {}).items()
            ),
            cites={key: rule["cite"] for key, rule in group.items() if isinstance(rule, dict) and "cite" in rule},
        )

    @staticmethod
    def _cap(name, cap):
        return Cap(
            name=name,
            ranks=tuple(cap["ranks"]) if "ranks" in cap else None,
            sources=tuple(cap["sources"]),
            max=to_decimal(cap["max"]),
            cite=cap["cite"],
        )

    def quota_for(self, rank):
        """The quota group a rank belongs to (the schema guarantees exactly one)."""
        for group in self.quotas:
            if rank in group.ranks:
                return group
        raise PackError("quotas", f"no quota group for rank {rank!r}")

    def in_force(self, year):
        """True when the pack's effective range overlaps the calendar ``year``."""
        if self.effective_from.year > year:
            return False
        return self.effective_until is None or self.effective_until.year >= year

    def citations(self):
        """Every (location, cite) pair in the pack, for ``cadre-hours policies show``."""
        found = []

        def walk(node, path):
            if isinstance(node, dict):
                if "cite" in node:
                    found.append((_location(path), node["cite"]))
                for key, child in node.items():
                    if key != "cite":
                        walk(child, path + [key])

        walk(self.data, [])
        return found

    def __repr__(self):
        return f"<Pack {self.key}>"


def _read_document(path):
    """
    A pack or overlay file as data, within the limits of :mod:`.bounded` (size, no
    aliases, depth, text only); every refusal is a ``PackError`` with a location.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read(MAX_DOCUMENT_CHARS + 1)
    except OSError as exc:
        raise PackError(path, f"cannot read the file: {exc.strerror}") from exc
    except UnicodeDecodeError:
        raise PackError(path, "not UTF-8 text (a binary file?)") from None
    try:
        if path.endswith(".json"):
            return load_json(text, path)
        return load_yaml(text, path)
    except DocumentError as exc:
        raise PackError(exc.location, exc.message) from None


def parse_overlay_text(text, origin="(overlay)"):
    """
    An overlay typed into a form (the admin, the console) as data; ``PackError`` for
    text beyond the limits or not YAML/JSON, ``None`` for empty text.
    """
    if not (text or "").strip():
        return None
    try:
        return load_yaml(text, origin)
    except DocumentError as exc:
        raise PackError(exc.location, exc.message) from None


@cache
def _bundled():
    """The packs shipped with the plugin, by key."""
    packs = {}
    for entry in sorted(resources.files(POLICIES_PACKAGE).iterdir(), key=lambda item: item.name):
        if entry.name.endswith((".yaml", ".yml")):
            data = yaml.safe_load(entry.read_text(encoding="utf-8"))
            pack = Pack(data, origin=entry.name)
            packs[pack.key] = pack
    return packs


def available_packs():
    """The bundled packs, sorted by region then effective date."""
    return default_registry().all()


def apply_overlay(pack, overlay, origin="(overlay)"):
    """Refine ``pack`` with an overlay mapping (a unit's implementing rules) and validate the result."""
    problems = overlay_problems(overlay)
    if problems:
        raise PackError(problems[0][0], f"invalid overlay {origin}: {problems[0][1]}", problems)
    if not isinstance(overlay["extends"], str):
        raise PackError("extends", f"overlay {origin} must name the pack it extends (a key or a region)")
    if overlay["extends"] not in (pack.key, pack.region):
        raise PackError("extends", f"overlay {origin} extends {overlay['extends']!r}, not {pack.key!r}")
    body = {key: value for key, value in overlay.items() if key not in ("extends",)}
    merged = merge(pack.data, body)
    merged["key"] = overlay.get("key") or f"{pack.key}+{_slug(overlay, origin)}"
    merged["overlays"] = list(pack.overlays) + [overlay.get("key") or origin]
    return Pack(merged, origin=f"{pack.origin} + {origin}")


def _slug(overlay, origin):
    base = os.path.splitext(os.path.basename(origin))[0] if origin and not origin.startswith("(") else "overlay"
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in base.lower()) or "overlay"


def load_overlay_file(path):
    """Read an overlay file into a mapping (validated when applied)."""
    data = _read_document(path)
    if not isinstance(data, dict):
        raise PackError(path, "an overlay file must hold a mapping")
    return data


class PackRegistry:
    """
    The packs a deployment knows, by key and by region.

    A region may hold several versions with effective ranges (a later notice replacing an
    earlier one for later years); asking by region picks the version in force that year.
    """

    def __init__(self, packs):
        self._packs = {}
        for pack in packs:
            if pack.key in self._packs:
                raise PackError("key", f"two packs share the key {pack.key!r}")
            self._packs[pack.key] = pack

    def all(self):
        return sorted(self._packs.values(), key=lambda pack: (pack.region, pack.effective_from))

    def get(self, name, year=None):
        """A pack by key or region (see :func:`load_pack`)."""
        if name in self._packs:
            pack = self._packs[name]
            if year is not None and not pack.in_force(year):
                until = pack.effective_until.isoformat() if pack.effective_until else "now"
                raise PackError(
                    "policy",
                    f"policy {name!r} is not in force in {year} (effective {pack.effective_from.isoformat()} to {until})",
                )
            return pack
        regional = [pack for pack in self.all() if pack.region == name]
        if regional:
            candidates = [pack for pack in regional if year is None or pack.in_force(year)]
            if not candidates:
                raise PackError("policy", f"no policy of region {name!r} is in force in {year}")
            return candidates[-1]
        return None

    def keys(self):
        return sorted(self._packs)


def default_registry():
    """The registry of the packs bundled with the plugin."""
    return PackRegistry(_bundled().values())


#: Most overlay files one ``extends`` chain may pass through before reaching a pack.
MAX_EXTENDS_CHAIN = 8


def load_pack(name, year=None, registry=None, _chain=()):
    """
    Find a pack by key (``anhui-2019``), by region (``anhui``: the pack in force in
    ``year``, or the newest), or by file path (a pack, or an overlay applied to its base).
    An overlay file that ``extends`` itself, directly or through others, is refused.
    """
    if not isinstance(name, str) or not name:
        raise PackError("extends", "must name a pack: a key, a region or a file")
    registry = registry or default_registry()
    found = registry.get(name, year)
    if found is not None:
        return found
    if os.path.exists(name) or name.endswith((".yaml", ".yml", ".json")):
        real = os.path.realpath(name)
        if real in _chain:
            raise PackError("extends", f"{name} extends itself (through {' -> '.join(_chain)})")
        if len(_chain) >= MAX_EXTENDS_CHAIN:
            raise PackError("extends", f"more than {MAX_EXTENDS_CHAIN} overlay files extend one another")
        data = _read_document(name)
        if isinstance(data, dict) and "extends" in data:
            base = load_pack(data["extends"], year, registry, _chain=(*_chain, real))
            return apply_overlay(base, data, origin=name)
        if not isinstance(data, dict):
            raise PackError(name, "a policy pack file must hold a mapping")
        return Pack(data, origin=name)
    known = ", ".join(registry.keys())
    raise PackError("policy", f"unknown policy {name!r}; known policies: {known}")


def validate_file(path):
    """Every problem of a pack or overlay file as (location, message); empty when valid."""
    try:
        data = _read_document(path)
    except PackError as exc:
        return exc.problems
    if not isinstance(data, dict):
        return [("(file)", "must hold a mapping")]
    if "extends" in data:
        problems = overlay_problems(data)
        if problems:
            return problems
        try:
            base = load_pack(data["extends"], _chain=(os.path.realpath(path),))
        except PackError as exc:
            return exc.problems
        try:
            apply_overlay(base, data, origin=path)
        except PackError as exc:
            return exc.problems
        return []
    return schema_problems(data)
