"""
Year-end close: learners per second over real Celery worker processes, next to a bare
SQL ``SUM … GROUP BY user, category`` over the same rows, in the same run (MariaDB).

    .venv/bin/python benchmarks/close_year_end.py
    CADRE_BENCH_LEARNERS=1000,10000 CADRE_BENCH_ROUNDS=1 .venv/bin/python benchmarks/close_year_end.py  # quick

For the small population (one city) and the large one (the province) of
``benchmarks/_scale.py`` (10 k and 100 k learners × 40 entries in the full run): the
baseline reads every ledger row of those learners' year with one ``GROUP BY``; the close
is the shipped path — ``create_job`` + one ``cadre_policy.close_chunk`` task per chunk of
the default ``CLOSE_CHUNK_SIZE`` on 1, then 2 ``celery worker --pool=solo`` processes,
timed from the dispatch until the job is finished (statuses, certificates and signals
written).  The two worker counts alternate over ``CADRE_BENCH_ROUNDS`` rounds at the
small size (one round at the large one); the median and the spread are printed.
Targets (issue 14): at least 1,000 learners/s per worker process, 2 processes at least
1.7× one.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _scale  # noqa: E402


class Workers:
    """Celery worker processes this benchmark starts (and stops: only those)."""

    def __init__(self, count, queue, workdir):
        self.processes = []
        self.logs = []
        env = {**os.environ, "PYTHONPATH": str(_scale.ROOT), "DJANGO_SETTINGS_MODULE": "benchmarks._bench_settings",
               "CADRE_BENCH_QUEUE": queue}
        for n in range(count):
            path = Path(workdir) / f"worker{n}.log"
            log = open(path, "wb")  # noqa: SIM115 - closed in stop()
            self.logs.append((path, log))
            self.processes.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "benchmarks._bench_celery", "worker", "--pool=solo", "-Q", queue,
                 "-n", f"bench{n}.{os.getpid()}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "-l", "INFO"], cwd=_scale.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if all(b"ready" in path.read_bytes() for path, _log in self.logs):
                return
            time.sleep(0.2)
        raise SystemExit("the Celery workers did not start:\n" + "\n".join(p.read_text() for p, _ in self.logs))

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        for _path, log in self.logs:
            log.close()


def bare_sql(node):
    """The baseline: every row of the learners' year summed per learner and category, one query."""
    from django.db import connection

    from cadre_policy_plugin.models import LearnerProfile, OrgNode

    units = list(OrgNode.objects.subtree_of(node).values_list("pk", flat=True))
    learners = LearnerProfile.objects.filter(unit_id__in=units).count()
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT l.user_id, l.category, SUM(l.hours) FROM cadre_policy_ledgerentry l "
            "JOIN cadre_policy_learnerprofile p ON p.user_id = l.user_id "
            f"WHERE p.unit_id IN ({','.join(map(str, units))}) AND l.earned_on BETWEEN %s AND %s "
            "GROUP BY l.user_id, l.category", [f"{_scale.YEAR}-01-01", f"{_scale.YEAR}-12-31"])
        rows = cur.fetchall()
    elapsed = time.perf_counter() - started
    assert rows
    return learners, elapsed


def close_once(node, worker_count, workdir):
    from django.db import connections

    from cadre_policy_plugin.models import CloseJob
    from cadre_policy_plugin.services import close

    queue = f"cadre_bench_close_{os.getpid()}_{worker_count}"
    os.environ["CADRE_BENCH_QUEUE"] = queue
    from django.conf import settings

    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    from celery import current_app

    current_app.conf.task_default_queue = queue
    workers = Workers(worker_count, queue, workdir)
    try:
        job = close.create_job(node=node, years=[_scale.YEAR], reason=CloseJob.Reason.COMMAND)
        started = time.perf_counter()
        close.dispatch(job, force=True)
        state = close.wait(job, poll=0.2, timeout=3600)
        elapsed = time.perf_counter() - started
    finally:
        workers.stop()
        connections.close_all()
    if not state.finished:
        raise SystemExit(f"close job {job.pk} did not finish: {state}")
    return state.learners_done, elapsed


def main():
    if not _scale.mariadb_listening():
        print("MariaDB is not listening on 127.0.0.1:3306: the year-close benchmark is skipped")
        return 0
    import tempfile

    _scale.ensure_dataset()
    _scale.setup_django()
    import _bench_celery  # noqa: F401 - the app tasks are sent with

    from cadre_policy_plugin.conf import cadre_setting
    from cadre_policy_plugin.models import LedgerEntry

    ledger_rows = LedgerEntry.objects.count()
    workdir = tempfile.mkdtemp(prefix="cadre-close-bench-")
    results, status = [], 0
    print(f"\nYear-end close (MariaDB, chunks of {cadre_setting('CLOSE_CHUNK_SIZE')}, {_scale.entries()} entries "
          f"per learner, ledger {ledger_rows:,} rows); {_scale.machine()}\n")
    print(f"{'learners':>9}  {'mode':<24}{'seconds':>22}{'learners/s':>26}{'vs SQL':>9}")
    for label, node, count_rounds in (("small", _scale.small_node(), _scale.rounds()),
                                      ("large", _scale.large_node(), 1)):
        sql, one, two = [], [], []
        learners = None
        for _round in range(count_rounds):
            learners, seconds = bare_sql(node)
            sql.append(seconds)
            for workers, bucket in ((1, one), (2, two)):
                done, seconds = close_once(node, workers, workdir)
                assert done == learners, (done, learners)
                bucket.append(seconds)
        base = learners / _scale.spread(sql)[0]
        for mode, times in (("bare SQL GROUP BY", sql), ("close, 1 worker process", one),
                            ("close, 2 worker processes", two)):
            median, low, high = _scale.spread(times)
            rate = learners / median
            results.append({"size": label, "learners": learners, "mode": mode, "seconds": median,
                            "rate": rate, "rate_low": learners / high, "rate_high": learners / low})
            print(f"{learners:>9}  {mode:<24}{median:>10.2f} ({low:.2f}–{high:.2f}){rate:>12,.0f} "
                  f"({learners / high:,.0f}–{learners / low:,.0f}){rate / base:>8.2f}x")
        rate_one = learners / _scale.spread(one)[0]
        rate_two = learners / _scale.spread(two)[0]
        per_worker_ok = rate_one >= 1000
        scaling_ok = rate_two >= 1.7 * rate_one
        print(f"  {label}: 1 worker {rate_one:,.0f} learners/s (target ≥ 1,000/s per worker process) -> "
              f"{_scale.verdict(per_worker_ok)}; 2 workers / 1 = {rate_two / rate_one:.2f}x (target ≥ 1.7x) -> "
              f"{_scale.verdict(scaling_ok)}")
        status = status or (0 if per_worker_ok and scaling_ok else 1)
    if "--json" in sys.argv:
        print(json.dumps(results))
    return status


if __name__ == "__main__":
    sys.exit(main())
