"""
Django settings of the scale benchmarks (benchmarks/_scale.py): the test host's settings
(all three apps) on a MariaDB database of the benchmarks' own (``CADRE_BENCH_DB``,
default ``cadre_bench_scale``), real Celery workers on Redis (never eager).
"""
import os

os.environ["CADRE_TEST_DB"] = "mysql"
os.environ["CADRE_MYSQL_DB"] = os.environ.get("CADRE_BENCH_DB", "cadre_bench_scale")

from tests.settings import *  # noqa: E402,F403 - the test host: the plugin as the LMS installs it

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ.get("CADRE_BENCH_BROKER", "redis://127.0.0.1:6379/13")
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CADRE_BENCH_QUEUE", "cadre_bench_close")
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"level": "WARNING", "handlers": []}}
