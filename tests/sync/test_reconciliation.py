"""Reconciliation reports every difference between registry and ledger, and re-queues."""
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from sync_adapter import delivery, reconciliation, tasks
from sync_adapter.models import OutboxRecord, OutboxStatus
from tests.sync import fakes

pytestmark = pytest.mark.django_db


def test_a_registry_that_holds_everything_reconciles_clean(registry, sync):
    entry = fakes.record(fakes.make_entry(1001, "3"))
    fakes.record(fakes.make_entry(1001, "1.5", year=2025))
    fakes.record(fakes.reversal_of(entry))
    fakes.record(fakes.make_entry(1002, "2"))
    delivery.drain()
    delivery.drain()
    report = reconciliation.reconcile()
    assert report.checked == 3 and report.clean


def test_missing_and_in_flight_records_are_reported(registry, sync):
    delivered = fakes.record(fakes.make_entry(1001, "3"))
    delivery.drain()
    pending = fakes.record(fakes.make_entry(1001, "2"))
    report = reconciliation.reconcile(year=2026)
    [diff] = report.differences
    assert (diff.user_id, diff.year) == (1001, 2026)
    assert (diff.ledger_hours, diff.registry_hours) == (Decimal("5"), Decimal("3"))
    assert (diff.ledger_count, diff.registry_count) == (2, 1)
    assert diff.missing == (pending.uuid,) and diff.in_flight == (pending.uuid,)
    assert delivered.uuid not in diff.missing


def test_records_lost_by_the_registry_are_requeued_and_delivered_again(registry, sync):
    entries = [fakes.record(fakes.make_entry(1001, "1")) for _ in range(3)]
    delivery.drain()
    registry.store.db.execute("DELETE FROM records WHERE record_id = ?", (entries[1].uuid,))
    report = reconciliation.reconcile(requeue=True)
    assert report.requeued == 1
    assert report.differences[0].missing == (entries[1].uuid,)
    row = OutboxRecord.objects.get(entry_uuid=entries[1].uuid)
    assert row.status == OutboxStatus.PENDING and row.requeue_count == 1
    delivery.drain()
    assert reconciliation.reconcile().clean


def test_unexpected_registry_records_are_reported(registry, sync):
    entry = fakes.record(fakes.make_entry(1001, "1"))
    delivery.drain()
    del fakes.ENTRIES[entry.uuid]
    fakes.ENTRIES[fakes.make_entry(1001, "1").uuid] = fakes.make_entry(1001, "1")
    [diff] = reconciliation.reconcile().differences
    assert diff.unexpected == (entry.uuid,)


def test_entries_the_outbox_never_saw_are_enqueued_from_the_ledger(registry, sync):
    known = fakes.record(fakes.make_entry(1001, "1"))
    delivery.drain()
    older = fakes.make_entry(1001, "4")  # written before the adapter was installed
    fakes.ENTRIES[older.uuid] = older
    report = reconciliation.reconcile(requeue=True)
    assert report.enqueued == 1
    delivery.drain()
    assert OutboxRecord.objects.get(entry_uuid=older.uuid).status == OutboxStatus.DELIVERED
    assert reconciliation.reconcile().clean
    assert known.uuid


def test_the_command_prints_json_and_exits_1_on_differences(registry, sync):
    fakes.record(fakes.make_entry(1001, "1"))
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("cadre_sync_reconcile", "--json", stdout=out)
    assert exited.value.code == 1
    data = json.loads(out.getvalue())
    assert data["differences"][0]["ledger_hours"] == "1"
    assert fakes.id_number_for(1001) not in out.getvalue()
    delivery.drain()
    out = StringIO()
    call_command("cadre_sync_reconcile", stdout=out)
    assert "0 differ" in out.getvalue()


def test_the_periodic_task_reconciles(registry, sync):
    sync(RECONCILE_REQUEUE_MISSING=True)
    fakes.record(fakes.make_entry(1001, "1"))
    delivery.drain()
    registry.store.reset()
    result = tasks.reconcile_registry.delay().get()
    assert result == {"checked": 1, "differences": 1, "requeued": 1}
