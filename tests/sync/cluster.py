"""
Real processes for the integration tests: the reference registry, Celery workers and
beat, the producer and management commands, on a MariaDB database of their own.

The test process never touches that database through Django (its own settings may be
SQLite); it reads the outbox with PyMySQL and the registry over its admin endpoints.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pymysql
import requests

ROOT = Path(__file__).resolve().parents[2]
REGISTRY_KEYS = "it:integration-secret"
OUTBOX_TABLE = "cadre_sync_outboxrecord"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """Owns every subprocess it starts, and stops only those."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.database = f"cadre_sync_it_{os.getpid()}"
        self.queue = f"cadre_sync_it_{os.getpid()}"
        self.port = free_port()
        self.registry_url = f"http://127.0.0.1:{self.port}"
        self.broken_file = self.workdir / "broken-users.json"
        self.broken_file.write_text("[]")
        self.processes = {}
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "tests.sync.worker_settings",
            "CADRE_MYSQL_DB": self.database,
            "CADRE_SYNC_IT_REGISTRY_URL": self.registry_url,
            "CADRE_SYNC_IT_QUEUE": self.queue,
            "CADRE_SYNC_IT_BROKER": "redis://127.0.0.1:6379/11",
            "CADRE_SYNC_TEST_BROKEN_USERS": str(self.broken_file),
            "CADRE_REGISTRY_KEYS": REGISTRY_KEYS,
            "PYTHONUNBUFFERED": "1",
        }

    def clock_env(self):
        """
        The environment of every subprocess: the machine's own clock, on purpose.

        These scenarios are about delivery (claims, leases, retries, dead letters), which
        compare times across processes but never a date: the records carry their own
        years.  Under time-machine, Celery's Redis transport delivered beat's drain ticks
        later than their 0.5 s expiry (seen: ~0.9 s against ~0.4 s), so every tick was
        discarded; the workers, beat, the producer and the registry therefore all run on
        the real clock, and so does the test process (see the module's ``clock`` fixture).
        """
        return dict(self.env)

    # -- life cycle -----------------------------------------------------------------

    def mysql(self, database=None):
        return pymysql.connect(host="127.0.0.1", user="root", password="", database=database,
                               autocommit=True, charset="utf8mb4")

    def setup(self):
        with self.mysql() as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{self.database}`")
            cur.execute(f"CREATE DATABASE `{self.database}` CHARACTER SET utf8mb4")
        self.manage("migrate", "--noinput", "-v", "0")
        self.start("registry", [sys.executable, "-m", "sandbox.registry", "serve",
                                "--port", str(self.port), "--db", str(self.workdir / "registry.sqlite3")])
        self.wait_for(lambda: self._registry_up(), 20, "the reference registry to start")
        self.start("beat", [sys.executable, "-m", "celery", "-A", "tests.sync.celery_app", "beat",
                            "-s", str(self.workdir / "beat-schedule"), "-l", "INFO"])

    def teardown(self):
        for name in list(self.processes):
            self.stop(name)
        with self.mysql() as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{self.database}`")

    def reset(self):
        """Empty the outbox, the registry and the queue between scenarios."""
        for name in [n for n in self.processes if n.startswith("worker")]:
            self.stop(name)
        with self.mysql(self.database) as conn, conn.cursor() as cur:
            cur.execute(f"DELETE FROM {OUTBOX_TABLE}")
        self.registry("POST", "/admin/reset")
        self.broken_file.write_text("[]")
        import redis  # pylint: disable=import-outside-toplevel

        redis.Redis(host="127.0.0.1", port=6379, db=11).delete(self.queue)

    # -- processes --------------------------------------------------------------------

    def start(self, name, command, **env):
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(command, cwd=ROOT, env={**self.clock_env(), **env}, stdout=log,
                                   stderr=subprocess.STDOUT)
        self.processes[name] = (process, log)
        return process

    def start_worker(self, name, **env):
        env = {f"CADRE_SYNC_IT_{key}": str(value) for key, value in env.items()}
        return self.start(name, [sys.executable, "-m", "celery", "-A", "tests.sync.celery_app", "worker",
                                 "--pool=solo", "-Q", self.queue, "-n", f"{name}.{os.getpid()}@%h",
                                 "--without-gossip", "--without-mingle", "--without-heartbeat",
                                 "-l", "INFO"], **env)

    def kill(self, name):
        """SIGKILL: no cleanup, no acknowledgement, leases left as they are."""
        process, log = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        log.close()

    def stop(self, name):
        process, log = self.processes.pop(name)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        log.close()

    def log_tail(self, name, lines=40):
        path = self.workdir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def manage(self, *args, check=True):
        return subprocess.run([sys.executable, "-m", "django", *args], cwd=ROOT, env=self.clock_env(),
                              capture_output=True, text=True, check=check, timeout=300)

    def produce(self, *args):
        result = subprocess.run([sys.executable, "-m", "tests.sync.produce", *args], cwd=ROOT, env=self.clock_env(),
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    # -- observation ------------------------------------------------------------------

    def _registry_up(self):
        try:
            return requests.get(self.registry_url + "/v1/health", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def registry(self, method, path, data=None):
        response = requests.request(method, self.registry_url + path, timeout=30,
                                    data=json.dumps(data) if data is not None else None)
        response.raise_for_status()
        return response.json()

    def misbehave(self, **faults):
        return self.registry("POST", "/admin/faults", faults)

    def stats(self):
        return self.registry("GET", "/admin/stats")

    def registry_records(self):
        return {item["idempotency_key"]: item for item in self.registry("GET", "/admin/records")["records"]}

    def outbox(self, where="1=1", columns="status, COUNT(*)", group="GROUP BY status"):
        with self.mysql(self.database) as conn, conn.cursor() as cur:
            cur.execute(f"SELECT {columns} FROM {OUTBOX_TABLE} WHERE {where} {group}")
            return cur.fetchall()

    def counts(self):
        data = {"pending": 0, "delivered": 0, "dead": 0}
        data.update(dict(self.outbox()))
        return data

    def wait_for(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.25)
        logs = "\n".join(f"--- {name} ---\n{self.log_tail(name)}" for name in self.processes)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}; outbox {self.counts()}\n{logs}")

    def wait_drained(self, total, timeout=240):
        self.wait_for(lambda: self.counts()["pending"] == 0 and sum(self.counts().values()) == total,
                      timeout, f"{total} outbox rows to leave 'pending'")
