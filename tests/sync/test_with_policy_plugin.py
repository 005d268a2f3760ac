"""
The sync adapter against the real policy plugin: ledger writes through
``cadre_policy_plugin.api`` produce outbox rows in the same transaction, the real
``registry_identity`` fills the payload, and reconciliation reads the real
``year_totals``.  (The other sync tests use fakes so they do not depend on the
plugin's models.)
"""
from datetime import date
from decimal import Decimal

import pytest

from cadre_policy_plugin import api
from sync_adapter import delivery, reconciliation
from sync_adapter.models import OutboxRecord, OutboxStatus
from sync_adapter.settings.common import DEFAULTS
from tests.plugin.factories import make_admin, make_profile, make_tree

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 5)


@pytest.fixture
def plugin_sync(registry, sync):
    """CADRE_SYNC with the plugin's real providers (the defaults)."""
    sync(**{name: DEFAULTS[name] for name in ("IDENTITY_BATCH_PROVIDER", "IDENTITY_PROVIDER", "YEAR_TOTALS_PROVIDER",
                                            "LEDGER_ENTRY_PROVIDER")})
    return registry


@pytest.fixture
def people():
    tree = make_tree()
    return {"learner": make_profile(tree["a"]).user, "admin": make_admin(tree["a"])}


def test_plugin_entries_and_reversals_reach_the_registry_and_reconcile(plugin_sync, people):
    learner, admin = people["learner"], people["admin"]
    first = api.add_entry(learner, source="live_class", category="elective", minutes=Decimal("90"),
                          entered_by=admin, reason="直播课堂 attendance sheet", earned_on=DAY)
    second = api.add_entry(learner, source="live_class", category="elective", minutes=Decimal("45"),
                           entered_by=admin, reason="second class", earned_on=DAY)
    reversal = api.revoke_entry(first.uuid, by=admin, reason="proxy attendance found")
    assert OutboxRecord.objects.count() == 3
    assert OutboxRecord.objects.get(entry_uuid=reversal.uuid).reverses_uuid == first.uuid

    delivery.drain()
    delivery.drain()
    assert set(OutboxRecord.objects.values_list("status", flat=True)) == {OutboxStatus.DELIVERED}
    held = {item["record_id"]: item for item in plugin_sync.store.records()}
    assert set(held) == {first.uuid, second.uuid, reversal.uuid}
    assert Decimal(held[reversal.uuid]["hours"]) == -first.hours
    assert plugin_sync.store.counters()["stored_out_of_order"] == 0

    report = reconciliation.reconcile(year=2026)
    assert report.checked == 1
    assert report.clean, [d.as_dict() for d in report.differences]


def test_a_learner_without_a_profile_is_a_dead_letter(plugin_sync, people):
    from tests.sync import fakes

    fakes.record(fakes.make_entry(987654))  # a ledger change for a user the plugin does not know
    delivery.drain()
    assert OutboxRecord.objects.get().dead_reason == "no_registry_identity"


@pytest.mark.now("2026-12-05T10:00:00+08:00")
def test_an_anhui_december_entry_reaches_the_registry_filed_under_its_calendar_year_and_uncounted(
        plugin_sync, people):
    """Anhui's December belongs to no academic year (Art. 9): on record, worth nothing, and why."""
    learner, admin = people["learner"], people["admin"]
    december = api.add_entry(learner, source="live_class", category="elective", minutes=Decimal("90"),
                             entered_by=admin, reason="直播课堂 in December", earned_on=date(2026, 12, 5))
    counted = api.add_entry(learner, source="live_class", category="elective", minutes=Decimal("45"),
                            entered_by=admin, reason="October class", earned_on=date(2026, 10, 20))
    assert december.academic_year is None and december.hours is None
    assert december.excluded_reason == "outside_academic_year"
    assert OutboxRecord.objects.get(entry_uuid=december.uuid).academic_year == 2026

    delivery.drain()
    assert set(OutboxRecord.objects.values_list("status", flat=True)) == {OutboxStatus.DELIVERED}
    held = {item["record_id"]: item for item in plugin_sync.store.records()}
    assert set(held) == {december.uuid, counted.uuid}
    assert held[december.uuid]["year"] == 2026 and held[december.uuid]["hours"] is None
    assert plugin_sync.store.counters().get("rejected", 0) == 0
    assert plugin_sync.store.totals(learner.cadre_profile.id_number, 2026)["record_count"] == 2

    report = reconciliation.reconcile(year=2026)
    assert report.clean, [d.as_dict() for d in report.differences]
