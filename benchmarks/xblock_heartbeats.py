"""
Heartbeats per second through the credit block's handler, next to edx-completion's
per-event write, measured in the same run on each database.

    .venv/bin/python benchmarks/xblock_heartbeats.py [--calls 2000] [--db sqlite,mysql,postgres]

For each database a fresh child process configures Django with its own settings (the
only place ``completion`` is installed: edx-completion registers itself as an LMS
plugin, which other settings must not pick up), migrates a scratch database, and
then, single-threaded:

* sends ``--calls`` heartbeats of one live session through ``Runtime.handle`` (a real
  ``webob`` request, the JSON handler, token check, row lock, verification, writes),
  each one credited (the clock the handler reads moves 15 s per call);
* the same heartbeats for a learner whose unit's rules set a daily cap (the handler
  then also keeps the day's total on the learner's clock row);
* calls ``BlockCompletion.objects.submit_completion`` ``--calls`` times with a changing
  value (what the LMS writes for each video progress event).

The three run interleaved in five rounds and the median round is reported, so noise
from other processes on the machine falls on both alike.  Queries per call are
counted on one warm call (BEGIN/COMMIT/SAVEPOINT included).  The goal (issues 4 and
14) is a heartbeat no costlier than that single upsert, with a daily cap too, on each
database; each ratio is printed with MET or NOT MET.  This is a separate command, never
a timed test.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCRATCH = "cadre_bench_xblock"
ROUNDS = 5


def database_settings(db, workdir):
    """A scratch database of the given kind (created empty; dropped by the caller)."""
    if db == "mysql":
        import pymysql

        if os.environ.get("CADRE_MYSQL_DRIVER") != "mysqlclient":  # else MySQLdb is mysqlclient (run-benchmarks)
            pymysql.install_as_MySQLdb()
        conn = pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True)
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
            cur.execute(f"CREATE DATABASE {SCRATCH} CHARACTER SET utf8mb4")
        conn.close()
        return {"ENGINE": "django.db.backends.mysql", "NAME": SCRATCH, "USER": "root", "PASSWORD": "",
                "HOST": "127.0.0.1", "PORT": "3306", "OPTIONS": {"charset": "utf8mb4"}}
    if db == "postgres":
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
            cur.execute(f"CREATE DATABASE {SCRATCH}")
        conn.close()
        return {"ENGINE": "django.db.backends.postgresql", "NAME": SCRATCH, "USER": "postgres",
                "HOST": "127.0.0.1", "PORT": "5432"}
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(workdir) / "bench.sqlite3")}


def configure(db, workdir):
    import django
    from django.conf import settings

    from cadre_credits_xblock.settings import common as credits_settings
    from cadre_policy_plugin.settings import common as policy_settings

    settings.configure(
        SECRET_KEY="benchmark-only",
        USE_TZ=True,
        TIME_ZONE="Asia/Shanghai",
        LANGUAGE_CODE="zh-hans",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        DATABASES={"default": database_settings(db, workdir)},
        INSTALLED_APPS=[
            "django.contrib.auth", "django.contrib.contenttypes", "waffle", "completion",
            "cadre_policy_plugin.apps.CadrePolicyConfig", "cadre_credits_xblock.apps.CadreCreditsConfig",
        ],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
        EVENT_TRACKING_BACKENDS={},
        LOGGING={"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}},
    )
    policy_settings.plugin_settings(settings)
    credits_settings.plugin_settings(settings)
    # One learner beats thousands of times a second here; the handlers' per-learner limit
    # (120/min) is kept in the path (the throttle's cache reads and writes are measured)
    # with a rate this benchmark cannot reach.
    settings.CADRE_POLICY = {**settings.CADRE_POLICY, "THROTTLE_RATES": {
        **settings.CADRE_POLICY["THROTTLE_RATES"], "learner_handler": "100000000/min"}}
    django.setup()


def measure(calls):
    """Run both workloads in this process; return rows of the result table."""
    from completion.models import BlockCompletion
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from eventtracking import tracker
    from waffle.models import Switch

    from cadre_credits_xblock import clock
    from tests.plugin.factories import make_user
    from tests.xblock.runtime import call, make_block

    # The LMS registers a tracker with log backends; an empty one keeps completion's
    # tracking-log call (part of submit_completion) without writing anywhere.
    tracker.register_tracker(tracker.Tracker())
    call_command("migrate", verbosity=0)
    Switch.objects.update_or_create(name="completion.enable_completion_tracking", defaults={"active": True})
    author, learner = make_user("bench-author"), make_user("bench-learner")
    now = [datetime(2026, 3, 5, 1, 0, tzinfo=UTC)]
    clock.now = lambda: now[0]
    make_block("bench", author, duration_seconds=10**8, checks_required=0, video_url="/media/bench.mp4")
    block = make_block("bench", learner)
    _, started = call(block, "start_session", {"position": 0})
    token = started["token"]
    state = {"seq": 0}

    def heartbeat():
        state["seq"] += 1
        now[0] += timedelta(seconds=15)
        status, body = call(block, "heartbeat", {"token": token, "seq": state["seq"], "position": state["seq"] * 15,
                                                 "rate": 1, "visible": True, "focused": True, "idle_seconds": 3})
        assert status == 200 and body["credited"] == "15.000", body

    # A learner whose unit's rules set a daily cap (high enough that every beat is still
    # credited): the handler then also keeps the day's total on the learner's clock row.
    from tests.plugin.factories import make_profile, make_tree

    tree = make_tree()
    tree["a"].overlay = ("extends: anhui-2019\ntitle: {zh-Hans: 基准细则, en: benchmark rules}\n"
                         "document: {title: 基准细则}\nlearning:\n"
                         "  daily_cap_minutes: {value: 100000, cite: 基准细则第一条}\n")
    tree["a"].save()  # before any learner: the policy-change close has nobody to recompute
    capped_learner = make_profile(tree["a"]).user
    capped_block = make_block("bench", capped_learner)
    _, capped_started = call(capped_block, "start_session", {"position": 0})
    capped_state = {"seq": 0, "token": capped_started["token"]}

    def capped_heartbeat():
        capped_state["seq"] += 1
        now[0] += timedelta(seconds=15)
        status, body = call(capped_block, "heartbeat", {
            "token": capped_state["token"], "seq": capped_state["seq"], "position": capped_state["seq"] * 15,
            "rate": 1, "visible": True, "focused": True, "idle_seconds": 3})
        assert status == 200 and body["credited"] == "15.000", body

    block_key = block.scope_ids.usage_id
    values = {"i": 0}

    def completion():
        values["i"] += 1
        BlockCompletion.objects.submit_completion(learner, block_key, (values["i"] % 1000) / 1000)

    workloads = (("heartbeat through the handler (credited)", heartbeat),
                 ("heartbeat, learner under a daily cap", capped_heartbeat),
                 ("BlockCompletion.objects.submit_completion", completion))
    timings = {name: [] for name, _ in workloads}
    queries = {}
    for name, func in workloads:
        for _ in range(20):  # warm caches, create rows
            func()
        with CaptureQueriesContext(connection) as captured:
            func()
        queries[name] = len(captured.captured_queries)
    # Interleave the two workloads in rounds so that disk and CPU noise from other
    # processes falls on both alike; report the median round.
    per_round = max(1, calls // ROUNDS)
    for _ in range(ROUNDS):
        for name, func in workloads:
            started_at = time.perf_counter()
            for _ in range(per_round):
                func()
            timings[name].append((time.perf_counter() - started_at) * 1000 / per_round)
    rows = []
    for name, _ in workloads:
        ms = statistics.median(timings[name])
        rows.append({"operation": name, "calls": per_round * ROUNDS, "per_second": 1000 / ms, "ms_per_call": ms,
                     "queries": queries[name]})
    return rows


def child(db, calls):
    with tempfile.TemporaryDirectory() as workdir:
        configure(db, workdir)
        try:
            rows = measure(calls)
        finally:
            from django.db import connection

            connection.close()
            if db != "sqlite":
                drop_scratch(db)
    print(json.dumps(rows))


def drop_scratch(db):
    if db == "mysql":
        import pymysql

        conn = pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True)
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        conn.close()
    elif db == "postgres":
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        conn.close()


def parent(dbs, calls):
    results = []
    for db in dbs:
        proc = subprocess.run([sys.executable, __file__, "--child", db, "--calls", str(calls)],
                              capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if proc.returncode != 0:
            print(f"{db}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        for row in json.loads(proc.stdout.strip().splitlines()[-1]):
            results.append((db, row))
    driver = "mysqlclient" if os.environ.get("CADRE_MYSQL_DRIVER") == "mysqlclient" else "PyMySQL"
    print(f"\nHeartbeats vs submit_completion; {os.cpu_count()} CPU(s), MariaDB driver {driver}\n")
    header = f"{'database':<9} {'operation':<44} {'calls':>6} {'per second':>11} {'ms/call':>8} {'queries':>8}"
    print(header)
    print("-" * len(header))
    for db, row in results:
        print(f"{db:<9} {row['operation']:<44} {row['calls']:>6} {row['per_second']:>11.0f} "
              f"{row['ms_per_call']:>8.3f} {row['queries']:>8}")
    by_db = {}
    for db, row in results:
        by_db.setdefault(db, []).append(row)
    print()
    met = True
    for db, (beat, capped, upsert) in ((db, rows) for db, rows in by_db.items() if len(rows) == 3):
        for label, row in (("a heartbeat", beat), ("a heartbeat under a daily cap", capped)):
            ratio = row["ms_per_call"] / upsert["ms_per_call"]
            met = met and ratio <= 1.0
            print(f"{db}: {label} costs {ratio:.2f}x a submit_completion ({row['queries']} vs "
                  f"{upsert['queries']} queries; target ≤ 1.0x) -> {'MET' if ratio <= 1.0 else 'NOT MET'}")
    return 0 if met and results else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--db", default="sqlite,mysql", help="comma-separated: sqlite, mysql, postgres")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.calls)
    else:
        return parent([d.strip() for d in args.db.split(",") if d.strip()], args.calls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
