"""
A learner's training file with millions of ledger rows of other learners: p50/p95 of
the REST API (``GET /cadre/api/v1/me/file/?year=``, the learner's own file) and of the
file's page (``/cadre/manage/learners/<id>/?year=``, the HTML training file a unit
administrator opens) next to a bare SQL read of that learner's year, alternated in one
run on MariaDB.

    .venv/bin/python benchmarks/learner_file.py [--requests 300]

The ledger is the large population of ``benchmarks/_scale.py`` (100 k learners × 40
entries: 4 M rows in the full run).  Each request goes through Django's WSGI handler
as a server calls it (``WSGIHandler()(environ, start_response)``, every middleware,
the session cookie of a signed-in user, DRF or the template, the response body read),
not through the test client, whose template and context recording is not in a real
request; learners are drawn across the whole province so the reads are not one cached
page.  The query plan
of the file's ledger read is printed (EXPLAIN): an index range scan on
``(user, earned_on)``.  The page is requested by a provincial administrator (a
``UnitAdministrator`` of the province node, no ``is_staff``): the console's scope
check, the template and the chrome are in the measure.  Target (issue 14): p95 at most
20 ms for each.
"""
import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _scale  # noqa: E402


class Server:
    """Django's WSGI application, called as a WSGI server calls it (one signed-in session per client)."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler

        self.app = WSGIHandler()

    def get(self, session_key, url):
        import io

        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver", "HTTP_COOKIE": f"sessionid={session_key}", "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        status = []
        body = self.app(environ, lambda code, headers, exc_info=None: status.append(code))
        try:
            sent = sum(len(part) for part in body)  # the body read, as a server sends it
        finally:
            body.close()
        assert sent or status[0].startswith("3"), status
        return int(status[0].split()[0])


def session_of(client):
    return client.cookies["sessionid"].value


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
    admin = province_administrator()
    for user_id in sample[:20]:  # warm: packs built, connections open, templates compiled
        assert clients[user_id].get(url).status_code == 200
        assert admin.get(page_url(user_id)).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        clients[sample[0]].get(url)
    queries = len(ctx.captured_queries)
    ledger_sql = next(q["sql"] for q in ctx.captured_queries if "cadre_policy_ledgerentry" in q["sql"])
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + ledger_sql)
        columns = [c[0] for c in cur.description]
        plan = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
    with CaptureQueriesContext(connection) as ctx:
        admin.get(page_url(sample[0]))
    page_queries = len(ctx.captured_queries)
    server = Server()
    sessions = {user_id: session_of(client) for user_id, client in clients.items()}
    admin_session = session_of(admin)
    for user_id in sample[:20]:
        assert server.get(sessions[user_id], url) == 200 and server.get(admin_session, page_url(user_id)) == 200
    file_times, page_times, sql_times = [], [], []
    bare = ("SELECT * FROM cadre_policy_ledgerentry WHERE user_id = %s AND earned_on BETWEEN %s AND %s "
            "ORDER BY earned_on, id")
    for user_id in sample:
        started = time.perf_counter()
        status = server.get(sessions[user_id], url)
        file_times.append((time.perf_counter() - started) * 1000)
        assert status == 200
        started = time.perf_counter()
        status = server.get(admin_session, page_url(user_id))
        page_times.append((time.perf_counter() - started) * 1000)
        assert status == 200
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
                        (f"page: console file ({page_queries} queries)", page_times),
                        ("bare SQL: the learner's year rows", sql_times)):
        print(f"{name:<44}{statistics.median(times):>9.1f}{percentile(times, 0.95):>9.1f}{max(times):>9.1f}")
    base = percentile(sql_times, 0.95)
    for step in plan:
        print(f"EXPLAIN ledger read: table={step.get('table')} type={step.get('type')} key={step.get('key')} "
              f"rows={step.get('rows')} extra={step.get('Extra')}")
    ok = True
    for name, times in (("API", file_times), ("page", page_times)):
        p95 = percentile(times, 0.95)
        ok = ok and p95 <= 20
        print(f"{name} p95 {p95:.1f} ms = {p95 / base:.1f}x the bare SQL p95 (target ≤ 20 ms) -> "
              f"{_scale.verdict(p95 <= 20)}")
    return 0 if ok else 1


def page_url(user_id):
    return f"/cadre/manage/learners/{user_id}/?year={_scale.YEAR}"


def province_administrator():
    """A client signed in as an administrator (管理员) of the province node: no ``is_staff``."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from cadre_policy_plugin.models import AdministratorRole, UnitAdministrator

    user, _created = get_user_model().objects.get_or_create(username="bench-province-admin",
                                                            defaults={"is_staff": False})
    UnitAdministrator.objects.get_or_create(user=user, node=_scale.large_node(),
                                            defaults={"role": AdministratorRole.ADMIN})
    client = Client()
    client.force_login(user)
    return client


if __name__ == "__main__":
    sys.exit(main())
