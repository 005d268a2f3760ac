"""
A year-end close on real Celery workers (MariaDB + Redis), with a worker killed mid-close.

The command queues the chunks and returns; a worker (slowed down to a pause per chunk)
works through them and is SIGKILLed after a few; the command is run again with a new
worker: it resumes the same job, the dead worker's chunk is dispatched again once its
lease runs out, the chunks done before the kill are not redone, and every learner's
stored status equals a from-scratch recompute through the one-learner path.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sandbox.clock import ENV_VAR
from tests.services import require_service

pytestmark = [pytest.mark.services, pytest.mark.workers]

ROOT = Path(__file__).resolve().parents[2]
LEARNERS, ENTRIES, CHUNK = 240, 12, 12


class CloseHost:
    """Owns the subprocesses and the database it creates, and stops only those."""

    def __init__(self, workdir):
        import pymysql

        self.pymysql = pymysql
        self.workdir = Path(workdir)
        self.database = f"cadre_close_it_{os.getpid()}"
        self.queue = f"cadre_close_it_{os.getpid()}"
        self.workers = {}
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "tests.plugin.close_worker_settings",
                    "CADRE_MYSQL_DB": self.database, "CADRE_CLOSE_IT_QUEUE": self.queue,
                    "CADRE_CLOSE_IT_BROKER": "redis://127.0.0.1:6379/12", "CADRE_CLOSE_IT_LEASE": "3",
                    "PYTHONUNBUFFERED": "1", ENV_VAR: datetime.now(UTC).isoformat()}

    def sql(self, query):
        with self.pymysql.connect(host="127.0.0.1", user="root", password="", database=self.database,
                                  autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(query)
            return cur.fetchall()

    def setup(self):
        with self.pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True) as conn, \
                conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{self.database}`")
            cur.execute(f"CREATE DATABASE `{self.database}` CHARACTER SET utf8mb4")
        self.run("-m", "django", "migrate", "--noinput", "-v", "0")
        import redis

        redis.Redis(host="127.0.0.1", port=6379, db=12).delete(self.queue)

    def teardown(self):
        for name in list(self.workers):
            self.stop(name)
        with self.pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True) as conn, \
                conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{self.database}`")
        import redis

        redis.Redis(host="127.0.0.1", port=6379, db=12).delete(self.queue)

    def run(self, *args, timeout=300):
        result = subprocess.run([sys.executable, *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
                                timeout=timeout)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def data(self, *args, timeout=300):
        return self.run("-m", "tests.plugin.close_data", *args, timeout=timeout)

    def start_worker(self, name, pause):
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop()/kill()
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.plugin.close_celery", "worker", "--pool=solo",
             "-Q", self.queue, "-n", f"{name}.{os.getpid()}@%h", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-l", "INFO"],
            cwd=ROOT, env={**self.env, "CADRE_CLOSE_IT_PAUSE": str(pause)}, stdout=log, stderr=subprocess.STDOUT)
        self.workers[name] = (process, log)

    def kill(self, name):
        process, log = self.workers.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        log.close()

    def stop(self, name):
        process, log = self.workers.pop(name)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        log.close()

    def chunk_states(self):
        return dict(self.sql("SELECT state, COUNT(*) FROM cadre_policy_closechunk GROUP BY state"))

    def log_tail(self, name):
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


@pytest.fixture
def host(tmp_path):
    require_service("MariaDB", "127.0.0.1", 3306)
    require_service("Redis", "127.0.0.1", 6379)
    running = CloseHost(tmp_path)
    running.setup()
    yield running
    running.teardown()


def wait_for(predicate, timeout, what, host):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}: {host.chunk_states()}\n{host.log_tail('first')}")


@pytest.mark.now("2026-12-31T23:30:00+08:00")
def test_a_close_survives_a_killed_worker_and_a_rerun_completes_it_exactly(host):
    seeded = json.loads(host.data("seed", str(LEARNERS), str(ENTRIES)).strip().splitlines()[-1])
    assert seeded["learners"] == LEARNERS
    total_chunks = LEARNERS // CHUNK

    host.start_worker("first", pause=0.4)
    out = host.data("close", "--year", "2026", "--chunk-size", str(CHUNK), "--no-wait")
    assert f"{LEARNERS} learner(s) in {total_chunks} chunk(s)" in out and f"{total_chunks} chunk(s) queued" in out
    wait_for(lambda: host.chunk_states().get("done", 0) >= 3, 120, "three chunks done", host)
    host.kill("first")
    states = host.chunk_states()
    assert 3 <= states.get("done", 0) < total_chunks, states
    done_before = dict(host.sql("SELECT id, finished_at FROM cadre_policy_closechunk WHERE state = 'done'"))
    killed_mid_chunk = states.get("running", 0)

    host.start_worker("second", pause=0)
    out = host.data("close", "--year", "2026", "--poll", "0.5", timeout=180)
    resumed = re.search(r"Resuming close job \d+ \(2026\): (\d+)/(\d+) learners already done", out)
    assert resumed and int(resumed[1]) >= 3 * CHUNK and int(resumed[2]) == LEARNERS, out
    assert f"{LEARNERS}/{LEARNERS} learners, {total_chunks}/{total_chunks} chunks" in out, out
    assert host.chunk_states() == {"done": total_chunks}
    assert host.sql("SELECT COUNT(*) FROM cadre_policy_closejob WHERE finished_at IS NULL") == ((0,),)
    # the chunks finished before the kill were not redone
    after = dict(host.sql(f"SELECT id, finished_at FROM cadre_policy_closechunk WHERE id IN "
                          f"({','.join(map(str, done_before))})"))
    assert after == done_before
    if killed_mid_chunk:
        assert host.sql("SELECT MAX(attempts) FROM cadre_policy_closechunk")[0][0] == 2

    verdict = json.loads(host.data("verify", "2026").strip().splitlines()[-1])
    assert verdict == {"checked": LEARNERS, "mismatches": []}
    assert host.sql("SELECT COUNT(*) FROM cadre_policy_yearstatus WHERE year = 2026") == ((LEARNERS,),)
