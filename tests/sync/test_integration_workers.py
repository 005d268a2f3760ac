"""
Real Celery workers (and beat) draining a MariaDB outbox into the reference registry,
over Redis and loopback HTTP: nothing is lost, nothing is stored twice, whatever the
registry or the workers do.

Marked ``services``: skipped without MariaDB or Redis, failed without them under CI.
About two minutes in all.
"""
import json
import re

import pytest

from tests.services import require_service
from tests.sync.cluster import Cluster

pytestmark = [pytest.mark.services, pytest.mark.workers]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    require_service("MariaDB", "127.0.0.1", 3306)
    require_service("Redis", "127.0.0.1", 6379)
    running = Cluster(tmp_path_factory.mktemp("sync-cluster"))
    try:
        running.setup()
        yield running
    finally:
        running.teardown()


@pytest.fixture
def clock():
    """
    The one place the suite keeps the machine's clock: these scenarios compare times across
    the cluster's processes (leases, retries) and never a date (the records carry their own
    years), and the subprocesses run on the real clock (see ``Cluster.clock_env``).
    """
    return None


@pytest.fixture
def fresh(cluster):
    cluster.reset()
    yield cluster
    cluster.reset()


def _pid_of(token):
    """The worker pid inside a claim token ``host:pid:random``."""
    return int(token.split(":")[1])


def test_ten_thousand_changes_arrive_exactly_once_through_errors_timeouts_and_429s(fresh):
    cluster = fresh
    cluster.misbehave(error_rate=0.3, timeout_rate=0.03, timeout_seconds=2.0, rate_limit_rate=0.05,
                      retry_after=0.5, lost_answer_rate=0.02, drop_rate=0.02, seed=2026)
    cluster.start_worker("worker-a")
    cluster.start_worker("worker-b")
    keys_file = cluster.workdir / "keys-10k.json"
    produced = cluster.produce("--count", "10000", "--reversals", "500", "--keys-out", str(keys_file))
    assert produced == {"changes": 10000, "reversals": 500}
    cluster.wait_drained(10000, timeout=300)

    assert cluster.counts() == {"pending": 0, "delivered": 10000, "dead": 0}
    stats = cluster.stats()
    # The registry really misbehaved, on every kind of failure asked for...
    for fault in ("fault_error", "fault_timeout", "fault_rate_limit", "fault_lost_answer", "fault_drop"):
        assert stats.get(fault, 0) > 0, (fault, stats)
    # ...answers were lost after storing, so records crossed the wire more than once...
    assert stats["deliveries"] > stats["stored"]
    # ...yet it holds each of the 10,000 changes once, and no reversal came before its entry.
    assert stats["stored"] == 10000
    assert stats.get("conflicts", 0) == 0
    assert stats["stored_out_of_order"] == 0
    held = cluster.registry_records()
    assert set(held) == set(json.loads(keys_file.read_text()))
    receipts = dict(cluster.outbox(columns="idempotency_key, receipt_id", group=""))
    assert all(held[key]["receipt_id"] == receipt for key, receipt in receipts.items())


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(fresh):
    cluster = fresh
    cluster.misbehave(latency_ms=1000)  # each batch spends a second in flight
    cluster.produce("--count", "1000", "--per-transaction", "100")
    victim = cluster.start_worker("worker-victim", BATCH_SIZE=100)
    pattern = f"%:{victim.pid}:%"
    cluster.wait_for(lambda: cluster.outbox(f"status='pending' AND claimed_by LIKE '{pattern}'",
                                            "COUNT(*)", "")[0][0] > 0, 60, "the victim to claim a batch")
    cluster.kill("worker-victim")
    orphaned = {row[0] for row in cluster.outbox(f"status='pending' AND claimed_by LIKE '{pattern}'",
                                                 "idempotency_key", "")}
    assert orphaned, "the victim died holding no rows: not a mid-batch kill"

    cluster.misbehave()
    rescuer = cluster.start_worker("worker-rescuer", BATCH_SIZE=100)
    cluster.wait_drained(1000, timeout=120)

    assert cluster.counts() == {"pending": 0, "delivered": 1000, "dead": 0}
    stats = cluster.stats()
    assert stats["stored"] == 1000
    held = cluster.registry_records()
    assert len(held) == 1000
    # The orphaned rows were sent again, after the lease, by the rescuer.
    tokens = dict(cluster.outbox(columns="idempotency_key, claimed_by", group=""))
    assert {_pid_of(tokens[key]) for key in orphaned} == {rescuer.pid}


def test_two_workers_draining_at_once_never_send_the_same_record_twice(fresh):
    cluster = fresh
    cluster.misbehave(latency_ms=40)
    first = cluster.start_worker("worker-one", BATCH_SIZE=50)
    second = cluster.start_worker("worker-two", BATCH_SIZE=50)
    cluster.produce("--count", "4000", "--reversals", "200")
    cluster.wait_drained(4000, timeout=180)

    assert cluster.counts() == {"pending": 0, "delivered": 4000, "dead": 0}
    stats = cluster.stats()
    assert stats["stored"] == 4000
    assert stats["deliveries"] == 4000, "a record crossed the wire twice"
    assert stats["max_deliveries"] == 1
    assert stats["stored_out_of_order"] == 0
    tokens = [row[0] for row in cluster.outbox(columns="claimed_by", group="")]
    assert {_pid_of(token) for token in tokens} == {first.pid, second.pid}, "both workers should deliver"


def test_a_malformed_record_is_a_dead_letter_its_batch_is_delivered_and_replay_delivers_it(fresh):
    cluster = fresh
    cluster.broken_file.write_text(json.dumps([777]))
    cluster.start_worker("worker-desk")
    cluster.produce("--count", "300", "--special-user", "777", "--users", "50")
    cluster.wait_drained(300, timeout=120)

    assert cluster.counts() == {"pending": 0, "delivered": 299, "dead": 1}
    [(dead_id, reason, user_id)] = cluster.outbox("status='dead'", "id, dead_reason, user_id", "")
    assert (reason, user_id) == ("rejected:invalid_id_number", 777)
    # Its neighbours, sent in the same request, were delivered.
    assert cluster.outbox(f"id BETWEEN {dead_id - 5} AND {dead_id + 5} AND status='delivered'",
                          "COUNT(*)", "")[0][0] == 10
    assert cluster.stats()["stored"] == 299

    listing = cluster.manage("cadre_sync_dead_letters", "list").stdout
    assert re.search(r"1\s+rejected:invalid_id_number", listing)
    cluster.broken_file.write_text("[]")  # the learner's ID number is corrected
    replay = cluster.manage("cadre_sync_dead_letters", "replay", "--reason", "rejected:invalid_id_number")
    assert "1 dead letters queued again" in replay.stdout
    cluster.wait_drained(300, timeout=60)
    assert cluster.counts() == {"pending": 0, "delivered": 300, "dead": 0}
    assert cluster.stats()["stored"] == 300
