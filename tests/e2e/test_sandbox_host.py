"""
The sandbox host without a browser: plugin discovery as the LMS does it, and demo
data that can be loaded on every start without duplicating anything.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

from edx_django_utils.plugins import get_plugin_apps

from sandbox.plugins import LMS, allowed_entry_points, ignored_entry_points, only_our_plugins

REPO = Path(__file__).resolve().parents[2]
OUR_APPS = {
    "cadre_policy_plugin.apps.CadrePolicyConfig",
    "cadre_credits_xblock.apps.CadreCreditsConfig",
    "sync_adapter.apps.SyncAdapterConfig",
}


def test_plugin_discovery_finds_exactly_our_lms_apps_through_the_entry_points():
    with only_our_plugins():
        apps = set(get_plugin_apps(LMS))
    assert apps == OUR_APPS
    assert set(allowed_entry_points(LMS)) == {"cadre_policy", "cadre_credits", "cadre_sync"}


def test_plugins_of_other_distributions_are_left_out_and_the_registry_is_restored():
    from edx_django_utils.plugins import registry

    original = registry.get_plugin_app_configs
    with only_our_plugins():
        assert registry.get_plugin_app_configs is not original
    assert registry.get_plugin_app_configs is original

    # Without the filter edx-django-utils returns every installed LMS plugin (here
    # edx-completion's ``completion`` and edx-toggles' ``toggles``); each one outside our
    # distribution is reported as ignored, and none of ours is.
    foreign = set(get_plugin_apps(LMS)) - OUR_APPS
    ignored = ignored_entry_points(LMS)
    for app_path in foreign:
        assert any(f"({app_path.rsplit('.', 1)[0]}:" in line for line in ignored), (app_path, ignored)
    assert not any(line.startswith(("cadre_policy ", "cadre_credits ", "cadre_sync ")) for line in ignored)


COUNT_SCRIPT = """
import json
from django.apps import apps
labels = ("auth", "cadre_policy", "cadre_credits", "cadre_sync", "sandbox_courseware")
print(json.dumps({m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in labels}))
"""


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "sandbox.manage", *args], cwd=REPO, env=env, check=True, capture_output=True, text=True
    ).stdout


def test_loading_the_demo_data_twice_duplicates_nothing(tmp_path, clock):
    env = {
        **os.environ,
        **clock.env(),  # the demo's dates are relative to the sandbox's today
        "DJANGO_SETTINGS_MODULE": "sandbox.settings",
        "SANDBOX_VAR_DIR": str(tmp_path),
        "SANDBOX_DB": "sqlite",
        "SANDBOX_DB_PATH": str(tmp_path / "sandbox.sqlite3"),
        # No registry: the outbox keeps the records (ticker off, nothing else runs).
        "SANDBOX_REGISTRY_URL": "http://127.0.0.1:9/",
        "SANDBOX_TICK_SECONDS": "0",
    }
    env.pop("CADRE_TEST_DB", None)
    env.pop("SANDBOX_CELERY_BROKER", None)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "load_demo_data")
    first = json.loads(_manage(env, "shell", "-c", COUNT_SCRIPT).strip().splitlines()[-1])
    _manage(env, "load_demo_data")
    second = json.loads(_manage(env, "shell", "-c", COUNT_SCRIPT).strip().splitlines()[-1])

    assert first == second
    assert first["cadre_policy.LearnerProfile"] == 11  # 7 with history, 2 with an initial password, 2 awaiting approval
    assert first["cadre_policy.OrgNode"] == 14
    assert first["sandbox_courseware.Course"] == 3
    # 9 history entries and 1 reversal, each with its outbox row; last year's certificate.
    assert first["cadre_policy.LedgerEntry"] == 10
    assert first["cadre_sync.OutboxRecord"] == 10
    assert first["cadre_policy.AnnualCertificate"] == 1
