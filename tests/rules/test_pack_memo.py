"""
What the engine remembers per pack (``rules.memo``) never changes an answer: the same
status with a fresh pack and a used one, a refused entry named at its own place every
time, and the bound on what one pack keeps.
"""
from dataclasses import fields
from datetime import date
from decimal import Decimal

import pytest

from cadre_policy_plugin import rules
from cadre_policy_plugin.rules import EntryResult, memo


def _year(entries):
    learner = rules.Learner(rank="county", registered_on=date(2020, 1, 1))
    return rules.YearInput(year=2026, learner=learner, entries=tuple(entries), history={2025: True})


def _entry(n, **quantity):
    return rules.Entry(id=f"e{n}", source="online_course", on=date(2026, 3, 1 + n % 28), category="elective",
                       **(quantity or {"hours": Decimal("1.5")}))


def test_a_used_pack_gives_the_same_status_as_a_fresh_one():
    entries = [_entry(n, hours=Decimal(n % 4) + Decimal("0.5")) for n in range(30)]
    used = rules.load_pack("anhui-2019", 2026)
    for _ in range(3):
        rules.evaluate(used, _year(entries))
    fresh = rules.Pack(used.data, origin="fresh")
    assert used.memo and not fresh.memo
    assert rules.evaluate(used, _year(entries)) == rules.evaluate(fresh, _year(entries))


def test_a_refused_entry_is_named_at_its_own_place_each_time():
    pack = rules.load_pack("anhui-2019", 2026)
    both = {"hours": Decimal("1"), "minutes": Decimal("45")}
    with pytest.raises(rules.InputError) as first:
        rules.evaluate(pack, _year([_entry(0, **both)]))
    with pytest.raises(rules.InputError) as again:
        rules.evaluate(pack, _year([_entry(1), _entry(2), _entry(3, **both)]))
    assert first.value.location.startswith("entries[0]") and again.value.location.startswith("entries[2]")


def test_a_pack_remembers_no_more_than_the_limit(monkeypatch):
    monkeypatch.setattr(memo, "LIMIT", 5)
    pack = rules.load_pack("anhui-2019", 2026)
    pack.memo.clear()
    rules.evaluate(pack, _year([_entry(n, hours=Decimal(n) + 1) for n in range(20)]))
    assert len(pack.memo) == 5


def test_entry_result_fields_keep_the_order_the_engine_builds_them_in():
    assert tuple(field.name for field in fields(EntryResult)) == (
        "id", "counted", "category", "hours", "value", "reason", "source", "makeup")
