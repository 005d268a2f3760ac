"""
Draining the outbox against the real reference registry on loopback: how each kind of
answer changes a record, and that only failed records are sent again.
"""
import json
import logging
import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from sync_adapter import claims, delivery, tasks
from sync_adapter.models import DeliveryOutcome, OutboxRecord, OutboxStatus
from tests.sync import fakes

pytestmark = pytest.mark.django_db


def _record_many(count, user_id=1001, **kwargs):
    return [fakes.record(fakes.make_entry(user_id + (n % 5), **kwargs)) for n in range(count)]


def _status_counts():
    counts = {status: OutboxRecord.objects.filter(status=status).count() for status in OutboxStatus.values}
    assert counts.pop(OutboxStatus.REVIEW) == 0  # no conflicts in these tests unless they say so
    return counts


def test_a_drain_delivers_every_record_with_its_receipt(registry, sync):
    entries = _record_many(120)
    report = delivery.drain()
    assert report.delivered == 120 and report.batches == 3 and report.stopped == "empty"
    rows = list(OutboxRecord.objects.all())
    assert all(r.status == OutboxStatus.DELIVERED and r.outcome == DeliveryOutcome.ACCEPTED for r in rows)
    assert all(r.receipt_id.startswith("R-") for r in rows)
    held = {item["record_id"]: item for item in registry.store.records()}
    assert set(held) == {e.uuid for e in entries}
    assert all(item["deliveries"] == 1 for item in held.values())
    assert delivery.drain().claimed == 0


def test_one_malformed_record_is_a_dead_letter_and_its_batch_is_delivered(registry, sync):
    fakes.BROKEN_USERS.add(1003)
    _record_many(10)
    report = delivery.drain()
    assert report.batches == 1
    assert _status_counts() == {"pending": 0, "delivered": 8, "dead": 2}
    dead = OutboxRecord.objects.filter(status=OutboxStatus.DEAD)
    assert {r.user_id for r in dead} == {1003}
    assert {r.dead_reason for r in dead} == {"rejected:invalid_id_number"}
    assert registry.store.counters()["stored"] == 8


def test_a_whole_batch_refusal_is_split_until_only_the_bad_record_remains(registry, sync):
    registry.misbehave(strict_batches=True)
    fakes.BROKEN_USERS.add(1002)
    fakes.record(fakes.make_entry(1002))
    _record_many(15, user_id=2000)
    delivery.drain()
    assert _status_counts() == {"pending": 0, "delivered": 15, "dead": 1}
    assert OutboxRecord.objects.get(status=OutboxStatus.DEAD).dead_reason == "http_422:invalid_id_number"


def test_a_learner_without_identity_is_a_dead_letter_and_nothing_is_sent_for_them(registry, sync):
    fakes.record(fakes.make_entry(-5))
    fakes.record(fakes.make_entry(1001))
    delivery.drain()
    assert OutboxRecord.objects.get(user_id=-5).dead_reason == "no_registry_identity"
    assert registry.store.counters()["stored"] == 1


def test_server_errors_back_off_exponentially_and_count_attempts(registry, sync):
    sync(RETRY_BASE_DELAY=10.0, RETRY_MAX_DELAY=1000.0, RETRY_JITTER=0.5)
    registry.misbehave(error_rate=1.0)
    _record_many(3)
    before = timezone.now()
    report = delivery.drain()
    assert report.retried == 3 and report.stopped == "registry_unavailable"
    for row in OutboxRecord.objects.all():
        assert row.status == OutboxStatus.PENDING and row.attempts == 1 and row.last_error == "http_503"
        assert before + timedelta(seconds=5) <= row.next_attempt_at <= timezone.now() + timedelta(seconds=10)
    assert delivery.drain().claimed == 0  # not due yet


def test_retries_run_out_into_dead_letters_never_dropped(registry, sync):
    sync(MAX_ATTEMPTS=3)
    registry.misbehave(error_rate=1.0)
    _record_many(4)
    for _ in range(3):
        delivery.drain()
    rows = list(OutboxRecord.objects.all())
    assert all(r.status == OutboxStatus.DEAD and r.dead_reason == "retries_exhausted" for r in rows)
    assert all(r.attempts == 3 and r.last_error == "http_503" for r in rows)
    assert delivery.drain().claimed == 0


def test_a_429_waits_for_retry_after_without_consuming_an_attempt(registry, sync):
    registry.misbehave(rate_limit_rate=1.0, retry_after=120)
    _record_many(60)
    report = delivery.drain()
    assert report.stopped == "rate_limited" and report.batches == 1 and report.rate_limited == 50
    limited = OutboxRecord.objects.filter(last_error="http_429")
    assert limited.count() == 50
    for row in limited:
        assert row.attempts == 0
        assert row.next_attempt_at >= timezone.now() + timedelta(seconds=110)
    # The ten rows of the next batch were never sent and are due at once.
    registry.misbehave()
    assert delivery.drain().delivered == 10


def test_a_timeout_is_retried_and_the_registry_keeps_one_record(registry, sync):
    sync(READ_TIMEOUT=0.3, CONNECT_TIMEOUT=0.3)
    registry.misbehave(timeout_rate=1.0, timeout_seconds=0.6)
    _record_many(5)
    report = delivery.drain()
    assert report.retried == 5 and OutboxRecord.objects.filter(last_error="read_timeout").count() == 5
    registry.misbehave()
    delivery.drain()
    rows = list(OutboxRecord.objects.all())
    assert all(r.status == OutboxStatus.DELIVERED and r.outcome == DeliveryOutcome.DUPLICATE for r in rows)
    counters = registry.store.counters()
    assert counters["stored"] == 5 and counters["deliveries"] == 10


def test_a_lost_answer_is_retried_once_and_counted_as_duplicate(registry, sync):
    registry.misbehave(lost_answer_rate=1.0)
    _record_many(2)
    delivery.drain()
    assert set(OutboxRecord.objects.values_list("last_error", flat=True)) == {"connection_error"}
    registry.misbehave()
    delivery.drain()
    assert _status_counts()["delivered"] == 2
    assert registry.store.counters()["stored"] == 2


def test_a_conflicting_body_waits_for_a_persons_decision_and_is_not_retried(registry, sync):
    entry = fakes.record(fakes.make_entry(1001, "2"))
    delivery.drain()
    OutboxRecord.objects.update(status=OutboxStatus.PENDING, payload={**OutboxRecord.objects.get().payload,
                                                                      "hours": "7"})
    report = delivery.drain()
    row = OutboxRecord.objects.get(entry_uuid=entry.uuid)
    assert row.status == OutboxStatus.REVIEW and row.outcome == DeliveryOutcome.CONFLICT
    assert report.review == 1 and report.delivered == 0
    assert registry.store.counters()["conflicts"] == 1
    delivery.drain()  # a review row is not claimed again
    assert registry.store.counters()["conflicts"] == 1


def test_a_reversal_waits_until_the_entry_it_reverses_is_delivered(registry, sync):
    fakes.BROKEN_USERS.add(1001)
    entry = fakes.record(fakes.make_entry(1001, "4"))
    delivery.drain()
    assert OutboxRecord.objects.get(entry_uuid=entry.uuid).status == OutboxStatus.DEAD
    fakes.BROKEN_USERS.clear()
    reversal = fakes.record(fakes.reversal_of(entry))
    other = fakes.record(fakes.make_entry(1001, "1"))
    delivery.drain()
    assert OutboxRecord.objects.get(entry_uuid=other.uuid).status == OutboxStatus.DELIVERED
    assert OutboxRecord.objects.get(entry_uuid=reversal.uuid).status == OutboxStatus.PENDING  # held back

    from sync_adapter import dead_letters  # the operator fixes the profile and replays

    assert dead_letters.replay(dead_letters.dead_letters(user_id=1001)) == 1
    delivery.drain()
    delivery.drain()
    assert _status_counts() == {"pending": 0, "delivered": 3, "dead": 0}
    assert registry.store.counters().get("stored_out_of_order") == 0


def test_a_reversal_in_the_same_drain_goes_in_a_later_batch(registry, sync):
    entries = _record_many(5)
    reversals = [fakes.record(fakes.reversal_of(e)) for e in entries]
    report = delivery.drain()
    assert report.batches == 2
    assert registry.store.counters()["stored"] == 10
    assert registry.store.counters()["stored_out_of_order"] == 0
    assert OutboxRecord.objects.filter(entry_uuid__in=[r.uuid for r in reversals],
                                       status=OutboxStatus.DELIVERED).count() == 5


def test_rows_under_a_live_lease_are_not_claimed_twice(registry, sync):
    _record_many(30)
    token_a, rows_a = claims.claim_batch(20, lease_seconds=60)
    token_b, rows_b = claims.claim_batch(20, lease_seconds=60)
    assert len(rows_a) == 20 and len(rows_b) == 10
    assert not {r.pk for r in rows_a} & {r.pk for r in rows_b}
    _, rows_c = claims.claim_batch(20, lease_seconds=60)
    assert rows_c == []


def test_a_crashed_workers_rows_are_claimed_again_after_the_lease_and_its_late_finish_is_ignored(registry, sync):
    _record_many(5)
    dead_token, dead_rows = claims.claim_batch(10, lease_seconds=60)
    assert delivery.drain().claimed == 0
    later = timezone.now() + timedelta(seconds=61)
    token, rows = claims.claim_batch(10, lease_seconds=60, now=later)
    assert {r.pk for r in rows} == {r.pk for r in dead_rows}
    claims.release(token)
    OutboxRecord.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert delivery.drain().delivered == 5
    # The "crashed" worker wakes up and tries to record a failure: it no longer owns the rows.
    report = delivery.DrainReport()
    from sync_adapter.adapters.base import RecordResult, ResultKind

    results = [RecordResult(r.idempotency_key, ResultKind.REJECTED, code="late") for r in dead_rows]
    delivery.apply_results(dead_token, dead_rows, results, sync(), report)
    assert report.lost_lease == 5 and report.dead == 0
    assert _status_counts()["delivered"] == 5


def test_nothing_is_sent_without_a_registry_url(registry, sync):
    sync(REGISTRY_URL="")
    _record_many(2)
    assert delivery.drain().stopped == "not_configured"
    assert _status_counts()["pending"] == 2


def test_the_adapter_is_chosen_by_setting(registry, sync):
    sync(ADAPTER="sync_adapter.adapters.json_batch.SingleRecordAdapter")
    _record_many(7)
    report = delivery.drain()
    assert report.delivered == 7 and report.batches == 7


def test_the_single_record_adapter_stops_at_the_first_429(registry, sync):
    sync(ADAPTER="sync_adapter.adapters.json_batch.SingleRecordAdapter", BATCH_SIZE=5)
    registry.misbehave(rate_limit_rate=1.0, retry_after=60)
    _record_many(1)
    report = delivery.drain(batch_size=1)
    assert report.rate_limited == 1


def test_the_id_number_never_reaches_the_logs(registry, sync, caplog):
    fakes.BROKEN_USERS.add(1002)
    caplog.set_level(logging.DEBUG)
    _record_many(10)
    registry.misbehave(error_rate=0.5, seed=3)
    delivery.drain()
    registry.misbehave()
    delivery.drain()
    text = caplog.text
    for user_id in range(1001, 1006):
        assert fakes.id_number_for(user_id) not in text
        assert fakes.id_number_for(user_id, broken=True) not in text


def test_the_celery_task_drains(registry, sync):
    _record_many(3)
    result = tasks.drain_outbox.delay().get()
    assert result["delivered"] == 3


@pytest.mark.parametrize("attempt, base, cap, expected", [
    (1, 30, 3600, 30), (2, 30, 3600, 60), (5, 30, 3600, 480), (9, 30, 3600, 3600), (30, 30, 3600, 3600),
])
def test_backoff_doubles_up_to_the_cap_and_jitter_only_shortens_it(attempt, base, cap, expected):
    config = {"RETRY_BASE_DELAY": base, "RETRY_MAX_DELAY": cap, "RETRY_JITTER": 0.0}
    assert delivery.backoff_delay(attempt, config) == expected
    rng = random.Random(7)
    jittered = [delivery.backoff_delay(attempt, {**config, "RETRY_JITTER": 0.5}, rng) for _ in range(50)]
    assert all(expected * 0.5 <= value <= expected for value in jittered)
    assert len(set(jittered)) > 1


@pytest.mark.parametrize("provider", [
    {"IDENTITY_BATCH_PROVIDER": "tests.sync.fakes.exploding_identities"},
    {"IDENTITY_BATCH_PROVIDER": "", "IDENTITY_PROVIDER": "tests.sync.fakes.exploding_identity"},
], ids=["batch", "one-by-one"])
def test_an_unexpected_identity_failure_is_retried_and_its_message_not_logged(registry, sync, caplog, provider):
    sync(**provider)
    caplog.set_level(logging.DEBUG)
    _record_many(2)
    report = delivery.drain()
    assert report.retried == 2
    assert set(OutboxRecord.objects.values_list("last_error", flat=True)) == {"identity_error"}
    assert fakes.id_number_for(1001) not in caplog.text
    assert "RuntimeError" in caplog.text



def _command(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_status_and_drain_commands(registry, sync):
    _record_many(3)
    status = json.loads(_command("cadre_sync_status", "--json"))
    assert (status["pending"], status["delivered"]) == (3, 0)
    assert json.loads(_command("cadre_sync_drain", "--max-batches", "1"))["delivered"] == 3
    assert json.loads(_command("cadre_sync_status", "--json"))["outcomes"] == {"accepted": 3}
    assert "delivered" in _command("cadre_sync_status")


def test_the_next_batch_is_claimed_and_built_while_one_is_on_the_wire(registry, sync, monkeypatch):
    """
    The drain is pipelined: while the registry answers one batch (the adapter's ``send``
    in the sender thread), the next is already claimed; the registry still gets one
    request at a time, and every record is delivered once.
    """
    import threading

    from sync_adapter.adapters import get_adapter

    _record_many(120)
    claimed = []
    next_claimed = threading.Event()
    real_claim = claims.claim_batch

    def claim_batch(*args, **kwargs):
        token, rows = real_claim(*args, **kwargs)
        if rows:
            claimed.append(token)
            if len(claimed) >= 2:
                next_claimed.set()
        return token, rows

    monkeypatch.setattr(claims, "claim_batch", claim_batch)
    adapter = get_adapter(sync())
    real_send = adapter.send
    overlapped, in_flight = [], []

    def send(records):
        in_flight.append(1)
        assert len(in_flight) == 1, "two requests on the wire at once"
        if not overlapped:  # the first batch waits until the drain has claimed the second
            overlapped.append(next_claimed.wait(timeout=10))
        try:
            return real_send(records)
        finally:
            in_flight.pop()

    adapter.send = send
    report = delivery.drain(adapter=adapter)
    assert overlapped == [True], "the second batch was not claimed while the first was being sent"
    assert report.delivered == 120 and report.batches == 3 and report.stopped == "empty"
    assert all(item["deliveries"] == 1 for item in registry.store.records())
