"""
Records per second delivered to the reference registry: batched vs one request per record.

    .venv/bin/python benchmarks/sync_throughput.py [--records 4000] [--single-records 600]
                                                   [--rounds 3] [--db sqlite|mysql]

Both modes run in the same process against the same registry (a separate process on
loopback, so the two do not share a GIL), through the shipped code path: outbox rows
written by the ledger signal, claimed, the identities read by the policy plugin's real
provider (``api.registry_identities``, one batch per claim, from learner profiles in the
same database), signed, sent, and each record's result written back, with the default
``BATCH_SIZE``.  "one by one" is the peers' way: one ``PUT`` per record (the
SingleRecordAdapter).  The modes alternate over ``--rounds`` rounds and the median and
spread of each are printed.  Goals (issue 14): batched at least 20x the one-by-one rate,
and at least 5,000 records/s on loopback.
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KEY_ID, SECRET = "bench", "bench-secret"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure_django(db, workdir, url):
    import django
    from django.conf import settings

    from cadre_policy_plugin.settings import common as policy_settings
    from sync_adapter.settings.common import DEFAULTS

    if db == "mysql":
        import pymysql

        if os.environ.get("CADRE_MYSQL_DRIVER") != "mysqlclient":
            pymysql.install_as_MySQLdb()
        database = {"ENGINE": "django.db.backends.mysql", "NAME": "cadre_sync_bench", "USER": "root",
                    "PASSWORD": "", "HOST": "127.0.0.1", "PORT": "3306", "OPTIONS": {"charset": "utf8mb4"}}
        conn = pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True)
        with conn.cursor() as cur:
            cur.execute("DROP DATABASE IF EXISTS cadre_sync_bench")
            cur.execute("CREATE DATABASE cadre_sync_bench CHARACTER SET utf8mb4")
        conn.close()
    else:
        database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(workdir) / "bench.sqlite3")}
    settings.configure(
        DEBUG=False, USE_TZ=True, TIME_ZONE="Asia/Shanghai", SECRET_KEY="benchmark", DATABASES={"default": database},
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth",
                        "cadre_policy_plugin.apps.CadrePolicyConfig", "sync_adapter.apps.SyncAdapterConfig"],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        # The shipped providers (DEFAULTS): the plugin's registry_identities reads the profiles below.
        CADRE_SYNC={**DEFAULTS, "REGISTRY_URL": url, "SIGNING_KEYS": {KEY_ID: SECRET}, "ACTIVE_KEY_ID": KEY_ID,
                    "ALLOW_INSECURE_HTTP": True, "DRAIN_TIME_LIMIT": 3600.0},
    )
    policy_settings.plugin_settings(settings)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


LEARNERS = 500


def seed_learners(first_user):
    """``LEARNERS`` real-name learners (valid ID numbers) in a two-level tree under the Anhui pack."""
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model

    from cadre_policy_plugin import identity
    from cadre_policy_plugin.conf import id_hash_key
    from cadre_policy_plugin.models import LearnerProfile, OrgNode

    province = OrgNode.objects.filter(code="BENCH").first() or OrgNode.objects.create(
        code="BENCH", name="基准省", kind="province", policy_key="anhui-2019", region_key="anhui")
    units = [OrgNode.objects.get_or_create(code=f"BENCH-{first_user}-{n}", defaults={
        "name": f"基准单位{n}", "kind": "unit", "parent": province})[0] for n in range(5)]
    user_model = get_user_model()
    user_model.objects.bulk_create([user_model(pk=first_user + n, username=f"bench{first_user + n}", password="!")
                                    for n in range(LEARNERS)])
    key = id_hash_key()
    profiles = []
    for n in range(LEARNERS):
        serial = first_user + n
        born = date(1960, 1, 1) + timedelta(days=serial % 9000)
        first17 = f"340104{born:%Y%m%d}{serial % 1000:03d}"
        number = first17 + identity.id_check_char(first17)
        profiles.append(LearnerProfile(user_id=first_user + n, real_name=f"学员{n}", id_number=number,
                                       id_number_hash=identity.hash_id_number(number, key), rank="section",
                                       unit=units[n % len(units)], approved=True))
    LearnerProfile.objects.bulk_create(profiles)


def write_changes(count, first_user):
    """``count`` ledger changes, each sent in its own transaction as the plugin does."""
    import uuid
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from django.db import transaction

    from cadre_policy_plugin.data import LedgerEntryData
    from cadre_policy_plugin.signals import ledger_entry_recorded

    for n in range(count):
        entry = LedgerEntryData(
            uuid=str(uuid.uuid4()), user_id=first_user + n % 500, source="online_course", category="required",
            hours=Decimal("1.5"), credits=None, earned_on=date(2026, 3, 5), academic_year=2026,
            policy_key="anhui-2019", evidence_type="course_verified", evidence_ref="course-v1:Org+C+2026",
            reason="", reverses=None, created=datetime.now(UTC), course_key="course-v1:Org+C+2026")
        with transaction.atomic():
            ledger_entry_recorded.send(sender=LedgerEntryData, entry=entry)


def run_mode(name, adapter_path, count, batch_size, first_user):
    from sync_adapter import delivery
    from sync_adapter.conf import sync_config
    from sync_adapter.models import OutboxRecord, OutboxStatus

    write_changes(count, first_user)
    config = {**sync_config(), "ADAPTER": adapter_path, "BATCH_SIZE": batch_size}
    started = time.perf_counter()
    report = delivery.drain(config=config)
    elapsed = time.perf_counter() - started
    pending = OutboxRecord.objects.filter(status=OutboxStatus.PENDING).count()
    if report.delivered != count or pending:
        raise SystemExit(f"{name}: delivered {report.delivered} of {count} ({report})")
    return {"mode": name, "records": count, "requests": report.batches if batch_size > 1 else count,
            "seconds": elapsed, "rate": count / elapsed}


def _listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def run_each_database(args):
    """One child process per database (Django settings are configured once per process)."""
    status = 0
    for db in ("sqlite", "mysql"):
        if db == "mysql" and not _listening(3306):
            print("\nMariaDB is not listening on 127.0.0.1:3306: the MariaDB row is skipped")
            continue
        child = [sys.executable, __file__, "--db", db, "--records", str(args.records),
                 "--single-records", str(args.single_records), "--rounds", str(args.rounds)]
        status = subprocess.call(child + (["--json"] if args.json else [])) or status
    return status


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=4000, help="records delivered in batches")
    parser.add_argument("--single-records", type=int, default=600, help="records delivered one by one")
    parser.add_argument("--rounds", type=int, default=3, help="rounds alternating the two modes")
    parser.add_argument("--db", choices=("auto", "sqlite", "mysql"), default="auto",
                        help="outbox database; auto = SQLite, then MariaDB when it is listening")
    parser.add_argument("--json", action="store_true", help="also print the table as JSON")
    # run-benchmarks passes its arguments to every benchmark: ignore the ones not ours.
    args, _ = parser.parse_known_args(argv)
    if args.db == "auto":
        return run_each_database(args)

    workdir = tempfile.mkdtemp(prefix="cadre-sync-bench-")
    port = _free_port()
    registry = subprocess.Popen(
        [sys.executable, "-m", "sync_adapter.reference_registry", "serve", "--port", str(port),
         "--db", str(Path(workdir) / "registry.sqlite3")],
        cwd=ROOT, env={**os.environ, "CADRE_REGISTRY_KEYS": f"{KEY_ID}:{SECRET}", "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        import requests

        for _ in range(100):
            try:
                requests.get(url + "/v1/health", timeout=0.5)
                break
            except requests.RequestException:
                time.sleep(0.1)
        configure_django(args.db, workdir, url)
        from sync_adapter.conf import sync_config

        batch_size = int(sync_config()["BATCH_SIZE"])  # the default a deployment runs with
        seed_learners(100000)
        single, batched = [], []
        for _round in range(max(1, args.rounds)):
            single.append(run_mode("one request per record", "sync_adapter.adapters.json_batch.SingleRecordAdapter",
                                   args.single_records, 1, 100000))
            batched.append(run_mode(f"batches of {batch_size}", "sync_adapter.adapters.json_batch.JsonBatchAdapter",
                                    args.records, batch_size, 100000))
    finally:
        registry.terminate()
        registry.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
    rows = [single, batched]
    base = statistics.median(row["rate"] for row in single)
    print(f"\nRegistry sync throughput ({args.db} outbox, real identity provider api.registry_identities, "
          f"reference registry on loopback, {len(single)} alternated rounds); {os.cpu_count()} CPU(s)"
          f"{', driver ' + os.environ.get('CADRE_MYSQL_DRIVER', 'pymysql') if args.db == 'mysql' else ''}\n")
    print(f"{'mode':<26}{'records':>9}{'requests':>10}{'records/s median (min–max)':>30}{'speed-up':>10}")
    for runs in rows:
        rates = [run["rate"] for run in runs]
        median = statistics.median(rates)
        print(f"{runs[0]['mode']:<26}{runs[0]['records']:>9}{runs[0]['requests']:>10}"
              f"{median:>14,.0f} ({min(rates):,.0f}–{max(rates):,.0f}){median / base:>9.1f}x")
    rate = statistics.median(run["rate"] for run in batched)
    ratio = rate / base
    print(f"\nbatched / one-by-one = {ratio:.1f}x (goal: at least 20x) -> {'MET' if ratio >= 20 else 'NOT MET'}")
    print(f"batched {rate:,.0f} records/s (goal: at least 5,000/s) -> {'MET' if rate >= 5000 else 'NOT MET'}")
    if args.json:
        print(json.dumps(rows))
    return 0 if ratio >= 20 and rate >= 5000 else 1


if __name__ == "__main__":
    sys.exit(main())
