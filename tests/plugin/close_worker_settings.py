"""
Settings of the subprocesses of the close integration test (tests/plugin/test_close_workers.py):
Celery workers and the command, with the whole plugin on one real MariaDB database of
their own and a Redis broker.  Everything variable comes from the environment
(``CADRE_CLOSE_IT_*``), so one module serves every process.
"""
import os

os.environ["CADRE_TEST_DB"] = "mysql"
os.environ.setdefault("CADRE_MYSQL_DB", "cadre_close_it")

from sandbox.clock import start_from_environment  # noqa: E402
from tests.settings import *  # noqa: E402,F403 - the shared test settings, on MariaDB

# On the calendar of the test that started this process (tests/clock.py).
start_from_environment()

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_URL = os.environ.get("CADRE_CLOSE_IT_BROKER", "redis://127.0.0.1:6379/12")
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CADRE_CLOSE_IT_QUEUE", "cadre_close_it")
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True

CADRE_POLICY = {  # noqa: F405 - from tests.settings
    **CADRE_POLICY,  # noqa: F405
    "CLOSE_CHUNK_LEASE_SECONDS": int(os.environ.get("CADRE_CLOSE_IT_LEASE", "3")),
}
