"""The engine's hot path builds ``EntryResult`` positionally: its field order is part of that code."""
from dataclasses import fields

from cadre_policy_plugin.rules import EntryResult


def test_entry_result_fields_keep_the_order_the_engine_builds_them_in():
    assert tuple(field.name for field in fields(EntryResult)) == (
        "id", "counted", "category", "hours", "value", "reason", "source", "makeup")
