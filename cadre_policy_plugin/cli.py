"""
``cadre-hours``: the rules engine from a shell, without Django.

    cadre-hours policies                       list the bundled policy packs
    cadre-hours policies show KEY              one pack with the article behind each rule
    cadre-hours policies validate FILE         check a pack or an overlay; every error with its location
    cadre-hours evaluate --policy KEY [--overlay FILE] [FILE|-]
                                               one learner's year (JSON in) -> year status (JSON out)
    cadre-hours cycle --policy KEY [FILE|-]    the five-year cycle status (Inner Mongolia Art. 9)

Exit status: 0 success, 1 a validated file has errors, 2 bad input or usage (with a
message naming the field; never a traceback).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import yaml

from cadre_policy_plugin.rules import (
    InputError,
    RulesError,
    apply_overlay,
    available_packs,
    evaluate,
    evaluate_cycle,
    load_overlay_file,
    load_pack,
    parse_year_input,
    validate_file,
)
from cadre_policy_plugin.rules.bounded import MAX_DOCUMENT_CHARS, DocumentError, load_json

EXIT_INVALID = 1
EXIT_BAD_INPUT = 2


class CliError(Exception):
    """A problem to report in one line and exit 2."""


def _read_json(path):
    """The learner's year as data: at most MAX_DOCUMENT_CHARS of UTF-8 JSON, bounded depth and numbers."""
    try:
        if path in (None, "-"):
            name = "standard input"
            stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
            raw = stream.read(MAX_DOCUMENT_CHARS * 4 + 1) if stream else sys.stdin.read(MAX_DOCUMENT_CHARS + 1)
        else:
            name = path
            with open(path, "rb") as handle:
                raw = handle.read(MAX_DOCUMENT_CHARS * 4 + 1)
    except OSError as exc:
        raise CliError(f"{path}: cannot read the file: {exc.strerror}") from exc
    if len(raw) > MAX_DOCUMENT_CHARS * (4 if isinstance(raw, bytes) else 1):
        raise CliError(f"{name}: larger than {MAX_DOCUMENT_CHARS} characters")
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise CliError(f"{name}: not UTF-8 text") from exc
    return load_json(text, name)


def _dump(document):
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _load(policy, overlay_path, year):
    pack = load_pack(policy, year)
    if overlay_path:
        pack = apply_overlay(pack, load_overlay_file(overlay_path), origin=overlay_path)
    return pack


def cmd_policies_list(_args):
    rows = [(pack.key, pack.region, pack.unit, pack.effective_from.isoformat(), pack.title["zh-Hans"], pack.title["en"])
            for pack in available_packs()]
    width = max(len(row[0]) for row in rows)
    for key, region, unit, since, zh, en in rows:
        print(f"{key:<{width}}  {region:<11} {unit:<7} since {since}  {zh} / {en}")
    return 0


def cmd_policies_show(args):
    pack = load_pack(args.key)
    if args.format == "json":
        _dump(pack.data)
        return 0
    print(f"# {pack.key}: {pack.title['zh-Hans']} / {pack.title['en']}")
    print(f"# document: {pack.data['document']['title']}")
    print(yaml.safe_dump(pack.data, allow_unicode=True, sort_keys=False), end="")
    print("# citations")
    for location, cite in pack.citations():
        print(f"- {location}: {cite}")
    return 0


def cmd_policies_validate(args):
    problems = validate_file(args.file)
    if not problems:
        print(f"{args.file}: valid")
        return 0
    for location, message in problems:
        print(f"{args.file}: {location}: {message}")
    print(f"{len(problems)} error(s)", file=sys.stderr)
    return EXIT_INVALID


def cmd_evaluate(args):
    year_input = parse_year_input(_read_json(args.file))
    pack = _load(args.policy, args.overlay, year_input.year)
    _dump(evaluate(pack, year_input).as_dict())
    return 0


def cmd_cycle(args):
    year_input = parse_year_input(_read_json(args.file))
    pack = _load(args.policy, args.overlay, year_input.year)
    status = evaluate_cycle(pack, year_input.learner, year_input.entries, year_input.year)
    if status is None:
        raise CliError(f"policy {pack.key} has no multi-year cycle requirement")
    _dump(status.as_dict())
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="cadre-hours", description="Cadre training-hour (学时) rules engine.")
    commands = parser.add_subparsers(dest="command", required=True)

    policies = commands.add_parser("policies", help="list, show or validate policy packs")
    policies.set_defaults(handler=cmd_policies_list)
    policy_commands = policies.add_subparsers(dest="policy_command")
    show = policy_commands.add_parser("show", help="print one pack with its citations")
    show.add_argument("key")
    show.add_argument("--format", choices=("yaml", "json"), default="yaml")
    show.set_defaults(handler=cmd_policies_show)
    validate = policy_commands.add_parser("validate", help="check a pack or overlay file")
    validate.add_argument("file")
    validate.set_defaults(handler=cmd_policies_validate)

    for name, handler, text in (
        ("evaluate", cmd_evaluate, "evaluate one learner's year"),
        ("cycle", cmd_cycle, "the five-year cycle status"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--policy", required=True, help="pack key (fujian-2017), region (anhui) or pack file")
        sub.add_argument("--overlay", help="an overlay file refining the pack (a unit's implementing rules)")
        sub.add_argument("file", nargs="?", default="-", help="the learner's year as JSON (default: standard input)")
        sub.set_defaults(handler=handler)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except InputError as exc:
        print(f"cadre-hours: bad input: {exc.location}: {exc.message}", file=sys.stderr)
    except DocumentError as exc:
        print(f"cadre-hours: {exc.location}: {exc.message}", file=sys.stderr)
    except RulesError as exc:
        print(f"cadre-hours: {exc}", file=sys.stderr)
    except CliError as exc:
        print(f"cadre-hours: {exc}", file=sys.stderr)
    except BrokenPipeError:
        # The reader (``| head``) went away: not an error of ours, and no traceback.
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        return 0
    return EXIT_BAD_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
