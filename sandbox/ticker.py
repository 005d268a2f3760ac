"""
A stand-in for Celery beat while Celery runs eagerly (the default sandbox).

The sync adapter drains its outbox from a beat schedule; without a broker there is no
beat, so records written while the registry was down would wait for the next ledger
change.  The ticker runs each ``CELERY_BEAT_SCHEDULE`` task in a daemon thread of the
sandbox server at the schedule's interval, through ``Task.apply`` (the same code path
a worker runs).  With ``SANDBOX_CELERY_BROKER`` set, the real ``celery beat`` does
this and the ticker stays off.
"""
import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)


def _interval_seconds(schedule):
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, (int, float)):
        return float(schedule)
    run_every = getattr(schedule, "run_every", None)
    if isinstance(run_every, timedelta):
        return run_every.total_seconds()
    return None


class Ticker(threading.Thread):
    """Runs the beat schedule's tasks in-process; stops with the server."""

    def __init__(self, tick_seconds):
        super().__init__(name="sandbox-ticker", daemon=True)
        self.tick_seconds = tick_seconds
        self.stopped = threading.Event()
        self.last_run = {}

    def due_entries(self, now):
        for name, entry in (getattr(settings, "CELERY_BEAT_SCHEDULE", {}) or {}).items():
            interval = _interval_seconds(entry.get("schedule"))
            if not interval:
                continue
            if now - self.last_run.get(name, 0.0) >= interval:
                yield name, entry

    def run_once(self, now=None):
        """Run every due task once; returns the names run (used by the tests)."""
        from sandbox.celery import app

        app.loader.import_default_modules()
        now = time.monotonic() if now is None else now
        ran = []
        for name, entry in list(self.due_entries(now)):
            self.last_run[name] = now
            task = app.tasks.get(entry["task"])
            if task is None:
                log.debug("Sandbox ticker: task %s is not registered", entry["task"])
                continue
            try:
                task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
                ran.append(name)
            except Exception:  # noqa: BLE001 - a failing tick must not kill the thread
                log.exception("Sandbox ticker: %s failed", name)
            finally:
                close_old_connections()
        return ran

    def run(self):
        # Daily entries (reconciliation) should not run at start-up: mark them as just run.
        start = time.monotonic()
        for name, entry in (getattr(settings, "CELERY_BEAT_SCHEDULE", {}) or {}).items():
            if (_interval_seconds(entry.get("schedule")) or 0) > 3600:
                self.last_run[name] = start
        while not self.stopped.wait(self.tick_seconds):
            self.run_once()

    def stop(self):
        self.stopped.set()


def start_ticker():
    """Start the ticker when Celery is eager and ticking is enabled; returns it or None."""
    if not settings.CELERY_TASK_ALWAYS_EAGER or settings.SANDBOX_TICK_SECONDS <= 0:
        return None
    ticker = Ticker(settings.SANDBOX_TICK_SECONDS)
    ticker.start()
    log.info("Sandbox ticker: running the beat schedule every %ss in-process", settings.SANDBOX_TICK_SECONDS)
    return ticker
