"""
Settings of the sandbox host (an LMS stand-in).

Defaults need no service at all: SQLite under ``var/``, Celery in eager mode, the
local-memory cache.  Environment variables switch each part to what production uses
(documented in docs/sandbox.md):

``SANDBOX_DB``            ``sqlite`` (default), ``mysql`` (MariaDB/MySQL) or ``postgres``
``SANDBOX_DB_PATH``       SQLite file (default ``var/sandbox.sqlite3``; the e2e test uses a temp file)
``SANDBOX_DB_HOST`` / ``SANDBOX_DB_PORT`` / ``SANDBOX_DB_NAME`` / ``SANDBOX_DB_USER`` / ``SANDBOX_DB_PASSWORD``
``SANDBOX_CELERY_BROKER`` a broker URL (``redis://127.0.0.1:6379/0`` or ``amqp://...``): tasks go to
                          real workers instead of running eagerly in the web process
``SANDBOX_CACHE``         a Redis URL for the Django cache
``SANDBOX_REGISTRY_URL``  base URL of the reference registry (the launcher starts one on :8001)
``SANDBOX_DEMO_FAST``     ``1``: short demo lecture and fast heartbeats (the rules stay the real ones)
"""
import os
from pathlib import Path

import django
from edx_django_utils.plugins import add_plugins, get_plugin_apps

from sandbox.clock import start_from_environment
from sandbox.plugins import LMS, only_our_plugins

# SANDBOX_NOW=2027-12-05T09:00 runs the whole sandbox on that day (see sandbox/clock.py).
start_from_environment()

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("SANDBOX_VAR_DIR", REPO_DIR / "var"))


def _env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


SECRET_KEY = os.environ.get("SANDBOX_SECRET_KEY", "sandbox-only-not-secret-do-not-deploy")
DEBUG = _env_flag("SANDBOX_DEBUG", False)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", *filter(None, os.environ.get("SANDBOX_HOSTS", "").split(","))]

USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# zh-Hans first (the learners are Chinese cadres); English is one click away.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]

ROOT_URLCONF = "sandbox.urls"
WSGI_APPLICATION = "sandbox.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------- database
_DB = os.environ.get("SANDBOX_DB", "sqlite")
if _DB == "mysql":
    import pymysql

    pymysql.install_as_MySQLdb()
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.mysql",
            "NAME": os.environ.get("SANDBOX_DB_NAME", "cadre_sandbox"),
            "USER": os.environ.get("SANDBOX_DB_USER", "root"),
            "PASSWORD": os.environ.get("SANDBOX_DB_PASSWORD", ""),
            "HOST": os.environ.get("SANDBOX_DB_HOST", "127.0.0.1"),
            "PORT": os.environ.get("SANDBOX_DB_PORT", "3306"),
            "OPTIONS": {"charset": "utf8mb4"},
        }
    }
elif _DB == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("SANDBOX_DB_NAME", "cadre_sandbox"),
            "USER": os.environ.get("SANDBOX_DB_USER", "postgres"),
            "PASSWORD": os.environ.get("SANDBOX_DB_PASSWORD", ""),
            "HOST": os.environ.get("SANDBOX_DB_HOST", "127.0.0.1"),
            "PORT": os.environ.get("SANDBOX_DB_PORT", "5432"),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SANDBOX_DB_PATH", str(VAR_DIR / "sandbox.sqlite3")),
            "OPTIONS": {
                # The dev server is threaded and the sandbox ticker drains the outbox in a
                # thread: WAL lets readers run beside the writer, IMMEDIATE transactions
                # take the write lock up front instead of failing on lock upgrade.
                "timeout": 30,
            },
        }
    }
    if django.VERSION >= (5, 1):  # Django 4.2 (still kept passing) has neither option
        DATABASES["default"]["OPTIONS"].update(
            transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        )

# ---------------------------------------------------------------------------- apps
with only_our_plugins():
    _PLUGIN_APPS = get_plugin_apps(LMS)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "sandbox.apps.SandboxConfig",
    "sandbox.courseware.apps.CoursewareConfig",
    *_PLUGIN_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sandbox.views.admin_for_staff_only",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sandbox.views.sandbox_context",
            ]
        },
    }
]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
#: The demo lectures, served at /media/ with HTTP Range so the player can seek (sandbox/media.py).
SANDBOX_MEDIA_ROOT = BASE_DIR / "static" / "sandbox" / "media"

LOGIN_URL = "sandbox:login"
LOGIN_REDIRECT_URL = "sandbox:home"
LOGOUT_REDIRECT_URL = "sandbox:login"
SESSION_COOKIE_NAME = "cadre_sandbox_session"
CSRF_COOKIE_NAME = "csrftoken"

# ---------------------------------------------------------------------------- cache
if os.environ.get("SANDBOX_CACHE"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["SANDBOX_CACHE"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# ---------------------------------------------------------------------------- celery
CELERY_BROKER_URL = os.environ.get("SANDBOX_CELERY_BROKER", "memory://")
# Without a broker every task runs inside the web process as soon as it is sent: the
# sandbox needs no worker, and the sandbox ticker (sandbox/ticker.py) stands in for beat.
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("SANDBOX_CELERY_BROKER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

# ---------------------------------------------------------------------------- Open edX
# The filters the LMS would run, pointed at the policy plugin's pipeline steps
# (set below once the plugin's settings are merged).
OPEN_EDX_FILTERS_CONFIG = {}

# ---------------------------------------------------------------------------- sandbox
SANDBOX_REGISTRY_URL = os.environ.get("SANDBOX_REGISTRY_URL", "http://127.0.0.1:8001/")
#: Token for the reference registry's /admin/* pages (the registry page of the sandbox reads them).
SANDBOX_REGISTRY_ADMIN_TOKEN = os.environ.get("SANDBOX_REGISTRY_ADMIN_TOKEN", "sandbox-registry-admin")
SANDBOX_DEMO_FAST = _env_flag("SANDBOX_DEMO_FAST", False)
#: Seconds between two runs of the periodic tasks when Celery is eager (0 disables).
SANDBOX_TICK_SECONDS = int(os.environ.get("SANDBOX_TICK_SECONDS", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SANDBOX_LOG_LEVEL", "INFO")},
    # The ticker runs a drain every few seconds: keep Celery's per-task lines out of the console.
    "loggers": {"django.server": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}},
}

# ---------------------------------------------------------------------------- plugins
# What an operator would put in lms.yml; the plugins' own defaults fill the rest.
_REGISTRY_KEY_ID = os.environ.get("SANDBOX_REGISTRY_KEY_ID", "sandbox-key-1")
_REGISTRY_SECRET = os.environ.get("SANDBOX_REGISTRY_SECRET", "sandbox-shared-secret-not-for-production")
CADRE_POLICY = {
    # The sandbox has its own ID hash key so rotating SECRET_KEY keeps lookups working.
    "ID_NUMBER_HASH_KEY": os.environ.get("SANDBOX_ID_HASH_KEY", "sandbox-id-hash-key"),
    "CERTIFICATE_ISSUER": "干部网络学院（演示）",
    # The plugin's pages (console, learner home, verification) in the sandbox's chrome.
    "PAGE_BASE_TEMPLATE": "sandbox/base.html",
    # The learner home lists the sandbox's own courses (sandbox/courseware/catalog.py).
    "COURSE_CATALOG": "sandbox.courseware.catalog.course_catalog",
}
CADRE_SYNC = {
    "REGISTRY_URL": SANDBOX_REGISTRY_URL,
    "SIGNING_KEYS": {_REGISTRY_KEY_ID: _REGISTRY_SECRET},
    "ACTIVE_KEY_ID": _REGISTRY_KEY_ID,
    # Loopback registry over plain HTTP: acceptable for the sandbox only.
    "ALLOW_INSECURE_HTTP": True,
    # With Celery eager, send right after each ledger commit (the demo shows the record
    # arriving at once); with real workers the beat schedule drains the outbox.
    "KICK_ON_COMMIT": CELERY_TASK_ALWAYS_EAGER,
    "DRAIN_INTERVAL": float(os.environ.get("SANDBOX_DRAIN_INTERVAL", "10")),
    # Short retries: a demo registry that was down comes back within seconds.
    "RETRY_BASE_DELAY": 2.0,
    "RETRY_MAX_DELAY": 60.0,
    "CONNECT_TIMEOUT": 2.0,
    "READ_TIMEOUT": 10.0,
}

# The credit block's measuring instrument.  SANDBOX_DEMO_FAST (the browser test, a quick
# demo) makes the browser report every second instead of every 15; what counts as
# verified time (wall clock, 1.0x, frontier, one session, checks, idle) is unchanged.
CADRE_CREDITS = {"HEARTBEAT_INTERVAL_SECONDS": 1, "MAX_INTERVAL_SECONDS": 3} if SANDBOX_DEMO_FAST else {}

# Every plugin adds its own namespaced defaults, exactly as the LMS merges them.
with only_our_plugins():
    add_plugins(__name__, LMS, "common")

from sandbox.integration import configure_host_settings  # noqa: E402

configure_host_settings(globals())

# ---------------------------------------------------------------------------- mail
# No mail server in the sandbox: quarterly notices and other mail are written as files
# under var/mail/ (one file per sending) so that they can be read.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = "training@sandbox.invalid"

# Uploaded evidence documents and import files kept between preview and import.
MEDIA_ROOT = VAR_DIR / "media"
