"""
A learner's training file with millions of ledger rows of other learners: p50/p95 of
the REST API (``GET /cadre/api/v1/me/file/?year=``, the learner's own file) next to a
bare SQL read of that learner's year, alternated in one run on MariaDB.

    .venv/bin/python benchmarks/learner_file.py [--requests 300]

The ledger is the large population of ``benchmarks/_scale.py`` (100 k learners × 40
entries: 4 M rows in the full run).  Each request goes through Django's test client
with a logged-in session (middleware, DRF, the api, JSON rendering); learners are
drawn across the whole province so the reads are not one cached page.  The query plan
of the file's ledger read is printed (EXPLAIN): an index range scan on
``(user, earned_on)``.  Target (issue 14): p95 at most 20 ms.  The file has no HTML
page in this tree yet (the unit console will show it); the API is what a page calls.
"""
import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _scale  # noqa: E402


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    args, _ = parser.parse_known_args(argv)
    if not _scale.mariadb_listening():
        print("MariaDB is not listening on 127.0.0.1:3306: the learner-file benchmark is skipped")
        return 0
    _scale.ensure_dataset()
    _scale.setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cadre_policy_plugin.models import LearnerProfile, LedgerEntry

    rows = LedgerEntry.objects.count()
    ids = list(LearnerProfile.objects.values_list("user_id", flat=True))
    rng = random.Random(14)
    sample = [rng.choice(ids) for _ in range(args.requests)]
    users = get_user_model().objects.in_bulk(set(sample))
    clients = {}
    for user_id in set(sample):
        client = Client()
        client.force_login(users[user_id])
        clients[user_id] = client
    url = f"/cadre/api/v1/me/file/?year={_scale.YEAR}"
    for user_id in sample[:20]:  # warm: packs built, connections open
        assert clients[user_id].get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        clients[sample[0]].get(url)
    queries = len(ctx.captured_queries)
    ledger_sql = next(q["sql"] for q in ctx.captured_queries if "cadre_policy_ledgerentry" in q["sql"])
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + ledger_sql)
        columns = [c[0] for c in cur.description]
        plan = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
    file_times, sql_times = [], []
    bare = ("SELECT * FROM cadre_policy_ledgerentry WHERE user_id = %s AND earned_on BETWEEN %s AND %s "
            "ORDER BY earned_on, id")
    for user_id in sample:
        started = time.perf_counter()
        response = clients[user_id].get(url)
        file_times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(bare, [user_id, f"{_scale.YEAR}-01-01", f"{_scale.YEAR}-12-31"])
            cur.fetchall()
        sql_times.append((time.perf_counter() - started) * 1000)
        reset_queries()
    print(f"\nLearner training file, {args.requests} requests over {len(clients)} learners, ledger {rows:,} rows "
          f"(MariaDB); {_scale.machine()}\n")
    print(f"{'read':<44}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, times in ((f"API me/file ({queries} queries incl. session)", file_times),
                        ("bare SQL: the learner's year rows", sql_times)):
        print(f"{name:<44}{statistics.median(times):>9.1f}{percentile(times, 0.95):>9.1f}{max(times):>9.1f}")
    p95 = percentile(file_times, 0.95)
    print(f"\nfile p95 / bare SQL p95 = {p95 / percentile(sql_times, 0.95):.1f}x")
    for step in plan:
        print(f"EXPLAIN ledger read: table={step.get('table')} type={step.get('type')} key={step.get('key')} "
              f"rows={step.get('rows')} extra={step.get('Extra')}")
    ok = p95 <= 20
    print(f"file p95 {p95:.1f} ms (target ≤ 20 ms) -> {_scale.verdict(ok)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
