"""The outbox row is written in the ledger's transaction, once per entry and version."""
import pytest
from django.db import transaction

from cadre_policy_plugin.data import LedgerEntryData
from cadre_policy_plugin.signals import ledger_entry_recorded
from sync_adapter.models import OutboxRecord, OutboxStatus
from sync_adapter.outbox import idempotency_key
from tests.sync import fakes

pytestmark = pytest.mark.django_db


def test_a_ledger_change_writes_one_pending_outbox_row():
    entry = fakes.record(fakes.make_entry(1001, "2.5"))
    row = OutboxRecord.objects.get()
    assert row.entry_uuid == entry.uuid
    assert row.idempotency_key == idempotency_key(entry.uuid, 1)
    assert row.status == OutboxStatus.PENDING
    assert (row.user_id, row.academic_year, row.reverses_uuid) == (1001, 2026, "")
    assert row.payload["hours"] == "2.5"
    assert row.payload["earned_on"] == "2026-03-05"


def test_the_outbox_keeps_no_free_text_reason_and_no_identity():
    fakes.record(fakes.make_entry(1001))
    payload = OutboxRecord.objects.get().payload
    assert "reason" not in payload and "entered_by_id" not in payload
    assert fakes.id_number_for(1001) not in str(payload)


def test_a_rolled_back_ledger_change_leaves_no_outbox_row():
    entry = fakes.make_entry(1001)
    with pytest.raises(RuntimeError), transaction.atomic():
        ledger_entry_recorded.send(sender=LedgerEntryData, entry=entry)
        assert OutboxRecord.objects.count() == 1
        raise RuntimeError("the ledger write failed after the signal")
    assert OutboxRecord.objects.count() == 0


def test_the_same_entry_twice_makes_one_row():
    entry = fakes.make_entry(1001)
    fakes.record(entry)
    fakes.record(entry)
    assert OutboxRecord.objects.count() == 1


def test_a_reversal_names_the_entry_it_reverses():
    entry = fakes.record(fakes.make_entry(1001, "3"))
    reversal = fakes.record(fakes.reversal_of(entry))
    row = OutboxRecord.objects.get(entry_uuid=reversal.uuid)
    assert row.reverses_uuid == entry.uuid
    assert row.payload["hours"] == "-3"


def test_idempotency_keys_are_deterministic_per_entry_and_version():
    assert idempotency_key("abc", 1) == idempotency_key("abc", 1)
    assert idempotency_key("abc", 1) != idempotency_key("abc", 2)
    assert idempotency_key("abc", 1) != idempotency_key("abd", 1)
    assert len(idempotency_key("abc")) == 64


def test_a_signal_without_an_entry_writes_nothing():
    ledger_entry_recorded.send(sender=LedgerEntryData)
    assert OutboxRecord.objects.count() == 0
