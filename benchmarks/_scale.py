"""
The province-scale dataset the close, circular and learner-file benchmarks share.

Sizes come from the environment, the issue's sizes being the full run (the default):

* ``CADRE_BENCH_LEARNERS`` — ``10000,100000``: the small and the large population (the
  large is the whole province; the small is one city of it);
* ``CADRE_BENCH_ENTRIES`` — ``40`` ledger rows per learner (so 4 M rows at 100 k);
* ``CADRE_BENCH_DB`` — the MariaDB database (``cadre_bench_scale``), rebuilt only when
  it does not hold exactly this dataset;
* ``CADRE_BENCH_ROUNDS`` — rounds of alternated A/B measurements (default 3).

The rows are generated inside MariaDB (``INSERT … SELECT`` over its ``seq_1_to_N``
sequence tables) in slices of ten thousand learners: seeding 4 M rows is a minute, not
an hour.  The tree is a province of ``large / small`` cities, each of ten units; every
learner has ``ENTRIES`` online-course entries spread over January–November 2026 under
the Anhui pack.  The statuses are left to the close to compute.
"""
import os
import socket
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR = 2026
UNITS_PER_CITY = 10
SLICE = 10000


def sizes():
    small, large = (int(part) for part in os.environ.get("CADRE_BENCH_LEARNERS", "10000,100000").split(","))
    return small, large


def entries():
    return int(os.environ.get("CADRE_BENCH_ENTRIES", "40"))


def rounds():
    return max(1, int(os.environ.get("CADRE_BENCH_ROUNDS", "3")))


def mariadb_listening():
    try:
        with socket.create_connection(("127.0.0.1", 3306), timeout=1):
            return True
    except OSError:
        return False


def setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks._bench_settings"
    import django

    django.setup()


def machine():
    """One line naming the machine the figures were measured on."""
    import platform

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPU(s) {cpu}, Python {platform.python_version()}, {mariadb_version()}, "
            f"driver {driver()}")


def driver():
    """The MySQL driver the MariaDB rows use (``CADRE_MYSQL_DRIVER``, see ``tests/settings.py``)."""
    return "mysqlclient" if os.environ.get("CADRE_MYSQL_DRIVER") == "mysqlclient" else "PyMySQL"


def mariadb_version():
    import pymysql

    try:
        with pymysql.connect(host="127.0.0.1", user="root", password="") as conn, conn.cursor() as cur:
            cur.execute("SELECT VERSION(), @@innodb_buffer_pool_size")
            version, pool = cur.fetchone()
            return f"MariaDB {version} (buffer pool {int(pool) / 2**30:.1f} GiB)"
    except pymysql.MySQLError:
        return "MariaDB ?"


def _marker():
    small, large = sizes()
    return f"v3 small={small} large={large} entries={entries()}"


def ensure_dataset(log=print):
    """Build the dataset unless the database already holds exactly this one (see the module doc)."""
    import pymysql

    name = os.environ.get("CADRE_BENCH_DB", "cadre_bench_scale")
    with pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema=%s AND table_name='bench_meta'",
                    (name,))
        if cur.fetchone()[0]:
            cur.execute(f"SELECT marker FROM `{name}`.bench_meta")
            row = cur.fetchone()
            if row and row[0] == _marker():
                setup_django()
                from django.core.management import call_command

                call_command("migrate", verbosity=0)  # the code may have moved on since the seeding
                return False
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _seed(log)
    with pymysql.connect(host="127.0.0.1", user="root", password="", database=name, autocommit=True) as conn, \
            conn.cursor() as cur:
        cur.execute("CREATE TABLE bench_meta (marker VARCHAR(200))")
        cur.execute("INSERT INTO bench_meta VALUES (%s)", (_marker(),))
        cur.execute("ANALYZE TABLE cadre_policy_ledgerentry, cadre_policy_learnerprofile, auth_user")
    log(f"  seeded {_marker()} in {time.perf_counter() - started:.0f}s")
    return True


def _seed(log):
    from django.db import connection

    from cadre_policy_plugin.models import OrgNode

    small, large = sizes()
    per_unit = max(1, small // UNITS_PER_CITY)
    cities = max(1, large // small)
    province = OrgNode.objects.create(code="BENCH", name="基准省", kind="province", policy_key="anhui-2019")
    units = []
    for c in range(cities):
        city = OrgNode.objects.create(code=f"BENCH-C{c:02d}", name=f"基准市{c}", kind="city", parent=province)
        for u in range(UNITS_PER_CITY):
            units.append(OrgNode.objects.create(code=f"BENCH-C{c:02d}-U{u:02d}", name=f"基准单位{c}-{u}", kind="unit",
                                                parent=city).pk)
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_unit (n INT PRIMARY KEY, unit_id BIGINT)")
        cur.executemany("INSERT INTO bench_unit VALUES (%s, %s)", list(enumerate(units)))
        for start in range(0, large, SLICE):
            count = min(SLICE, large - start)
            cur.execute(
                "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
                "is_active, date_joined) SELECT '!', 0, CONCAT('bench', %s + seq), '', '', '', 0, 1, NOW() "
                f"FROM seq_1_to_{count}", [start])
        # Auto-increment ids of a bulk INSERT … SELECT may have gaps: number the users instead.
        cur.execute(
            "INSERT INTO cadre_policy_learnerprofile (user_id, real_name, id_number, id_number_hash, mobile, mobile_hash, "
            "`rank`, unit_id, political_status, post, status, approved, password_change_required, registered_on, "
            "created, modified) "
            "SELECT u.id, CONCAT('学员', u.id), CONCAT('340104198001', LPAD(u.id %% 1000000, 6, '0')), "
            "SHA2(CONCAT('bench-', u.id), 256), '', '', ELT(1 + u.id %% 3, 'county', 'section', 'staff'), b.unit_id, "
            "'cpc', '', 'active', 1, 0, '2020-01-01', NOW(), NOW() "
            "FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS rn FROM auth_user) u "
            "JOIN bench_unit b ON b.n = u.rn DIV %s", [per_unit])
        cur.execute("SELECT COUNT(*) FROM cadre_policy_learnerprofile")
        assert cur.fetchone()[0] == large, "every user must get a profile"
        log(f"  {large} learners in {len(units)} units; writing {large * entries()} ledger rows…")
        cur.execute("SELECT MIN(user_id), MAX(user_id) FROM cadre_policy_learnerprofile")
        first, last = cur.fetchone()
        for start in range(first, last + 1, SLICE):
            cur.execute(
                "INSERT INTO cadre_policy_ledgerentry (uuid, user_id, source, category, course_key, hours, value_hours, "
                "earned_on, academic_year, policy_key, evidence_type, evidence_ref, reason, excluded_reason, "
                "evidence_detail, created) "
                "SELECT REPLACE(UUID(), '-', ''), p.user_id, 'online_course', "
                "IF(s.seq %% 3 = 0, 'required', 'elective'), '', 1.5 + (p.user_id + s.seq) %% 4, "
                "1.5 + (p.user_id + s.seq) %% 4, "
                "DATE_ADD('2026-01-05', INTERVAL (p.user_id * 7 + s.seq * 8) %% 320 DAY), 2026, 'anhui-2019', "
                "'import', CONCAT('bench:', s.seq), '', '', '{}', NOW(6) "
                f"FROM cadre_policy_learnerprofile p JOIN seq_1_to_{entries()} s "
                "WHERE p.user_id >= %s AND p.user_id < %s", [start, start + SLICE])
        cur.execute("DROP TABLE bench_unit")


def small_node():
    """The first city: ``small`` learners."""
    from cadre_policy_plugin.models import OrgNode

    return OrgNode.objects.get(code="BENCH-C00")


def large_node():
    from cadre_policy_plugin.models import OrgNode

    return OrgNode.objects.get(code="BENCH")


def spread(values):
    """``median (min–max)`` of a list of numbers."""
    return statistics.median(values), min(values), max(values)


def verdict(ok):
    return "MET" if ok else "NOT MET"
