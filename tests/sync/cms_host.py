"""
A Studio (CMS) process configured the way edx-platform configures cms: run as a script.

``cms/envs/common.py`` does ``INSTALLED_APPS.extend(get_plugin_apps(ProjectType.CMS))``
and ``add_plugins(__name__, ProjectType.CMS, SettingsType.COMMON)``; the CMS app config
then calls ``connect_plugin_receivers(ProjectType.CMS)``.  This script does exactly
that with the installed distribution's entry points (nothing of ours is listed by
hand), migrates a fresh SQLite database, writes one ledger entry as a unit
administrator would in Studio's cadre admin, and prints what it finds as JSON.

Usage: ``python tests/sync/cms_host.py DATABASE_PATH`` (the test's clock arrives
through ``SANDBOX_NOW``).
"""
import json
import os
import sys
import types
from datetime import date
from decimal import Decimal

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, REPO)

from sandbox import clock  # noqa: E402

clock.start_from_environment()

from django.conf import settings  # noqa: E402
from edx_django_utils.plugins import add_plugins, connect_plugin_receivers, get_plugin_apps  # noqa: E402


class ProjectType:
    """edx-platform's ``openedx.core.djangoapps.plugins.constants.ProjectType`` values."""

    CMS = "cms.djangoapp"


class SettingsType:
    """edx-platform's ``...plugins.constants.SettingsType`` values."""

    COMMON = "common"


cms = types.ModuleType("cadre_test_cms_settings")
cms.SECRET_KEY = "cms-test-only"
cms.USE_TZ = True
cms.TIME_ZONE = "Asia/Shanghai"
cms.DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
cms.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[1]}}
cms.INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "rest_framework",
]
cms.PLUGIN_APPS = get_plugin_apps(ProjectType.CMS)
cms.INSTALLED_APPS.extend(cms.PLUGIN_APPS)
cms.CELERY_TASK_ALWAYS_EAGER = True
sys.modules[cms.__name__] = cms
add_plugins(cms.__name__, ProjectType.CMS, SettingsType.COMMON)
settings.configure(**{name: getattr(cms, name) for name in dir(cms) if name.isupper()})

import django  # noqa: E402

django.setup()
connect_plugin_receivers(ProjectType.CMS)

from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)

from cadre_policy_plugin import api  # noqa: E402
from cadre_policy_plugin.signals import ledger_entry_recorded  # noqa: E402
from tests.plugin.factories import make_admin, make_profile, make_tree  # noqa: E402

tree = make_tree()
learner = make_profile(tree["a"]).user
admin = make_admin(tree["county"])
entry = api.add_entry(learner, source="live_class", category="elective", minutes=Decimal("90"), entered_by=admin,
                      reason="直播课堂 attendance sheet, entered in Studio", earned_on=date(2027, 6, 1))

from sync_adapter.models import OutboxRecord  # noqa: E402

rows = list(OutboxRecord.objects.values("entry_uuid", "status", "payload"))
print(json.dumps({
    "plugin_apps": cms.PLUGIN_APPS,
    "cadre_sync_settings": sorted(getattr(settings, "CADRE_SYNC", {})),
    "receivers": len(ledger_entry_recorded.receivers),
    "entry": entry.uuid,
    "outbox": [{"entry_uuid": row["entry_uuid"], "status": row["status"], "hours": row["payload"]["hours"]}
               for row in rows],
}))
