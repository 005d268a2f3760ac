"""
Studio writes reach the registry: the sync adapter is a ``cms.djangoapp`` too.

The proof runs a separate process configured as edx-platform configures Studio
(``tests/sync/cms_host.py``: plugin apps and settings from the CMS entry points, CMS
plugin receivers), writes a ledger entry there and finds its outbox row.
"""
import json
import os
import subprocess
import sys
from importlib import metadata

import pytest
from edx_django_utils.plugins import get_plugin_apps

HOST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cms_host.py")
SYNC_APP = "sync_adapter.apps.SyncAdapterConfig"


def test_the_sync_adapter_is_a_studio_plugin():
    names = {ep.name: ep.value for ep in metadata.entry_points(group="cms.djangoapp")}
    assert names["cadre_sync"] == "sync_adapter.apps:SyncAdapterConfig"
    assert SYNC_APP in get_plugin_apps("cms.djangoapp")


@pytest.mark.now("2027-06-15T10:00:00+08:00")
def test_a_ledger_entry_written_in_studio_gets_its_outbox_row(tmp_path, clock):
    env = {**os.environ, **clock.env(), "PYTHONWARNINGS": "ignore"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, HOST, str(tmp_path / "cms.sqlite3")], capture_output=True, text=True,
                            env=env, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert SYNC_APP in found["plugin_apps"] and "cadre_policy_plugin.apps.CadrePolicyConfig" in found["plugin_apps"]
    assert "REGISTRY_URL" in found["cadre_sync_settings"]  # CMS plugin settings merged the defaults
    assert found["outbox"] == [{"entry_uuid": found["entry"], "status": "pending", "hours": "2.00"}]
