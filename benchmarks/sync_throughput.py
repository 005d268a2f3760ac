"""
Records per second delivered to the reference registry: batched vs one request per record.

    .venv/bin/python benchmarks/sync_throughput.py [--records 5000] [--single-records 1000]
                                                   [--batch-size 200] [--db sqlite|mysql]

Both modes run in the same process against the same registry (a separate process on
loopback, so the two do not share a GIL), through the real code path: outbox rows
written by the ledger signal, claimed, identity looked up, signed, sent, and each
record's result written back.  "one by one" is the peers' way: one ``PUT`` per record
(the SingleRecordAdapter).  The goal is a batched rate at least 20x the one-by-one rate.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KEY_ID, SECRET = "bench", "bench-secret"


def identity(user_id):
    """A valid registry identity for any user id (the benchmark has no plugin data)."""
    from cadre_policy_plugin.data import RegistryIdentity
    from sync_adapter.reference_registry.validation import id_number_check_char

    first17 = f"110101199001{int(user_id) % 100000:05d}"
    return RegistryIdentity(user_id=int(user_id), id_number=first17 + id_number_check_char(first17),
                            real_name=f"学员{user_id}", unit_code="U-001", region_key="anhui")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure_django(db, workdir, url):
    import django
    from django.conf import settings

    from sync_adapter.settings.common import DEFAULTS

    if db == "mysql":
        import pymysql

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
        DEBUG=False, USE_TZ=True, SECRET_KEY="benchmark", DATABASES={"default": database},
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "sync_adapter.apps.SyncAdapterConfig"],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        CADRE_SYNC={**DEFAULTS, "REGISTRY_URL": url, "IDENTITY_PROVIDER": "__main__.identity",
                    "SIGNING_KEYS": {KEY_ID: SECRET}, "ACTIVE_KEY_ID": KEY_ID, "ALLOW_INSECURE_HTTP": True,
                    "DRAIN_TIME_LIMIT": 3600.0},
    )
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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
                 "--single-records", str(args.single_records), "--batch-size", str(args.batch_size)]
        status = subprocess.call(child + (["--json"] if args.json else [])) or status
    return status


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=4000, help="records delivered in batches")
    parser.add_argument("--single-records", type=int, default=600, help="records delivered one by one")
    parser.add_argument("--batch-size", type=int, default=500)
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
        rows = [
            run_mode("one request per record", "sync_adapter.adapters.json_batch.SingleRecordAdapter",
                     args.single_records, 1, 100000),
            run_mode(f"batches of {args.batch_size}", "sync_adapter.adapters.json_batch.JsonBatchAdapter",
                     args.records, args.batch_size, 200000),
        ]
    finally:
        registry.terminate()
        registry.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
    base = rows[0]["rate"]
    print(f"\nRegistry sync throughput ({args.db} outbox, reference registry on loopback)\n")
    print(f"{'mode':<26}{'records':>9}{'requests':>10}{'seconds':>10}{'records/s':>12}{'speed-up':>10}")
    for row in rows:
        print(f"{row['mode']:<26}{row['records']:>9}{row['requests']:>10}{row['seconds']:>10.2f}"
              f"{row['rate']:>12.0f}{row['rate'] / base:>9.1f}x")
    ratio = rows[1]["rate"] / base
    print(f"\nbatched / one-by-one = {ratio:.1f}x (goal: at least 20x) -> {'MET' if ratio >= 20 else 'NOT MET'}")
    if args.json:
        print(json.dumps(rows))
    return 0 if ratio >= 20 else 1


if __name__ == "__main__":
    sys.exit(main())
