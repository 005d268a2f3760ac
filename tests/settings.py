"""
Django settings for the test suite: the three apps as the LMS would install them.

``CADRE_TEST_DB`` picks the database: ``sqlite`` (default, no service needed),
``mysql`` (MariaDB on 127.0.0.1:3306, database ``test``) or ``postgres``.
``CADRE_MYSQL_TEST_DB`` / ``CADRE_PG_TEST_DB`` name the test database (default
``test_cadre``), so that two checkouts can run their suites at once.
"""
import os

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
USE_I18N = True
ROOT_URLCONF = "tests.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_DB = os.environ.get("CADRE_TEST_DB", "sqlite")
if _DB == "mysql":
    # The driver: PyMySQL (pure Python, installed as MySQLdb) unless CADRE_MYSQL_DRIVER is
    # ``mysqlclient``, the C driver edx-platform deploys with (the benchmarks use it).
    if os.environ.get("CADRE_MYSQL_DRIVER", "pymysql") != "mysqlclient":
        import pymysql

        pymysql.install_as_MySQLdb()
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.mysql",
            "NAME": os.environ.get("CADRE_MYSQL_DB", "test"),
            "USER": "root",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": "3306",
            "OPTIONS": {"charset": "utf8mb4"},
            "TEST": {"NAME": os.environ.get("CADRE_MYSQL_TEST_DB", "test_cadre"), "CHARSET": "utf8mb4"},
        }
    }
elif _DB == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "test",
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": "5432",
            "TEST": {"NAME": os.environ.get("CADRE_PG_TEST_DB", "test_cadre")},
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "cadre_policy_plugin.apps.CadrePolicyConfig",
    "cadre_credits_xblock.apps.CadreCreditsConfig",
    "sync_adapter.apps.SyncAdapterConfig",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

STATIC_URL = "/static/"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Each app adds its own namespaced defaults through plugin_settings (as the LMS does);
# the test suite calls them here so the settings look like an LMS with the plugins.
from cadre_policy_plugin.settings import common as _policy_settings  # noqa: E402
from sync_adapter.settings import common as _sync_settings  # noqa: E402

_policy_settings.plugin_settings(__import__(__name__, fromlist=["*"]))
_sync_settings.plugin_settings(__import__(__name__, fromlist=["*"]))
from cadre_credits_xblock.settings import common as _credits_settings  # noqa: E402

_credits_settings.plugin_settings(__import__(__name__, fromlist=["*"]))
