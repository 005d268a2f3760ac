"""Small builders so the rule tables read like the documents."""
from datetime import date
from decimal import Decimal

from cadre_policy_plugin.rules import Entry, Learner, YearInput, evaluate, load_pack


def entry(id="e", source="online_course", on="2026-03-05", **amounts):
    """An Entry from strings, the way the JSON contract gives it."""
    fields = {}
    for name, value in amounts.items():
        if name in ("category", "exam_passed"):
            fields[name] = value
        else:
            fields[name] = Decimal(str(value))
    return Entry(id=id, source=source, on=date.fromisoformat(on), **fields)


def status(policy, entries=(), rank="county", year=2026, registered_on=None, history=None, pack=None):
    pack = pack or load_pack(policy)
    learner = Learner(rank=rank, registered_on=date.fromisoformat(registered_on) if registered_on else None)
    return evaluate(pack, YearInput(year=year, learner=learner, entries=tuple(entries), history=history or {}))


def only(status_):
    """The single entry result of a one-entry status."""
    (result,) = status_.entries
    return result


def req(status_, key):
    requirement = status_.requirement(key)
    assert requirement is not None, f"no requirement {key}"
    return requirement
