"""
Settings of the subprocesses in the integration tests: Celery workers, beat, the
producer and management commands, all on one real MariaDB database, a Redis broker
and the reference registry on loopback.

Everything variable comes from the environment the test sets (``CADRE_SYNC_IT_*``),
so one module serves every scenario.  Only this app (not the policy plugin) is
installed: the producer sends ``ledger_entry_recorded`` inside transactions exactly
as the plugin's ledger does, and the identity provider is the test fake.
"""
import os

os.environ["CADRE_TEST_DB"] = "mysql"
os.environ.setdefault("CADRE_MYSQL_DB", "cadre_sync_it")

from sandbox.clock import start_from_environment  # noqa: E402
from sync_adapter.settings.common import DEFAULTS, beat_schedule  # noqa: E402
from tests.settings import *  # noqa: E402,F403 - the shared test settings, on MariaDB

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "sync_adapter.apps.SyncAdapterConfig",
]
ROOT_URLCONF = "tests.sync.worker_urls"

# On the calendar of the test that started this process (tests/clock.py).
start_from_environment()


def _env(name, default, cast=float):
    return cast(os.environ.get(f"CADRE_SYNC_IT_{name}", default))


CADRE_SYNC = {
    **DEFAULTS,
    "REGISTRY_URL": os.environ.get("CADRE_SYNC_IT_REGISTRY_URL", "http://127.0.0.1:8765"),
    "IDENTITY_BATCH_PROVIDER": "tests.sync.fakes.registry_identities",
    "IDENTITY_PROVIDER": "tests.sync.fakes.registry_identity",
    "YEAR_TOTALS_PROVIDER": "tests.sync.fakes.year_totals",
    "LEDGER_ENTRY_PROVIDER": "tests.sync.fakes.get_ledger_entry",
    "SIGNING_KEYS": {"it": "integration-secret"},
    "ACTIVE_KEY_ID": "it",
    "BATCH_SIZE": _env("BATCH_SIZE", 200, int),
    "CONNECT_TIMEOUT": 0.5,
    "READ_TIMEOUT": _env("READ_TIMEOUT", 1.5),
    "MAX_ATTEMPTS": 30,
    "RETRY_BASE_DELAY": 0.05,
    "RETRY_MAX_DELAY": 0.5,
    "RETRY_JITTER": 0.5,
    "RATE_LIMIT_DEFAULT_DELAY": 0.5,
    "RATE_LIMIT_MAX_DELAY": 2.0,
    "LEASE_SECONDS": _env("LEASE_SECONDS", 5, int),
    "DRAIN_TIME_LIMIT": 3.0,
    "DRAIN_INTERVAL": 0.5,
    "RECONCILE_INTERVAL": 0,
    "ALLOW_INSECURE_HTTP": True,
}

CELERY_BROKER_URL = os.environ.get("CADRE_SYNC_IT_BROKER", "redis://127.0.0.1:6379/11")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CADRE_SYNC_IT_QUEUE", "cadre_sync_it")
CELERY_BEAT_SCHEDULE = beat_schedule(CADRE_SYNC)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(process)d %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"sync_adapter": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
}
