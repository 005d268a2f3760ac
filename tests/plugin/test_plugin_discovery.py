"""
Open edX finds the apps through the distribution's entry points.

Two proofs: the installed (editable) distribution seen by edx-django-utils in this
process, and a fresh non-editable install of the distribution into a temporary
directory, inspected from a separate interpreter, so that packaging (entry points,
package data such as migrations, templates and the certificate font) is what is tested.
"""
import json
import os
import shutil
import subprocess
import sys
import types
from importlib import metadata

import pytest
from edx_django_utils.plugins import get_plugin_apps, plugin_urls
from edx_django_utils.plugins.plugin_settings import add_plugins

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APP = "cadre_policy_plugin.apps.CadrePolicyConfig"


@pytest.mark.parametrize("project", ["lms.djangoapp", "cms.djangoapp"])
def test_entry_points_and_get_plugin_apps(project):
    names = {ep.name: ep.value for ep in metadata.entry_points(group=project)}
    assert names["cadre_policy"] == "cadre_policy_plugin.apps:CadrePolicyConfig"
    assert APP in get_plugin_apps(project)


@pytest.mark.parametrize("project", ["lms.djangoapp", "cms.djangoapp"])
def test_plugin_settings_and_urls_through_the_framework(project):
    settings_module = types.ModuleType("fake_lms_settings")
    settings_module.CADRE_POLICY = {"CERTIFICATE_GATE": False}
    sys.modules[settings_module.__name__] = settings_module
    try:
        add_plugins(settings_module.__name__, project, "common")
    finally:
        del sys.modules[settings_module.__name__]
    assert settings_module.CADRE_POLICY["CERTIFICATE_GATE"] is False
    assert settings_module.CADRE_POLICY["ENROLLMENT_GATE"] is True
    assert "cadre_policy_plugin.pipeline.RequireApprovedProfile" in str(settings_module.OPEN_EDX_FILTERS_CONFIG)
    # only this app's URLs: other installed plugins' URL modules need their own apps
    ours = [(path, config) for path, config in plugin_urls._iter_plugins(project) if path.startswith("cadre_policy")]
    assert [(path, config["namespace"], config["regex"]) for path, config in ours] == [
        ("cadre_policy_plugin.urls", "cadre_policy", r"^cadre/")]
    pattern = plugin_urls._get_url(*ours[0])
    assert pattern.namespace == "cadre_policy" and pattern.url_patterns


PROBE = """
import json, os, sys
from edx_django_utils.plugins import get_plugin_apps
import cadre_policy_plugin
root = os.path.dirname(cadre_policy_plugin.__file__)
print(json.dumps({
    "file": cadre_policy_plugin.__file__,
    "lms": get_plugin_apps("lms.djangoapp"),
    "cms": get_plugin_apps("cms.djangoapp"),
    "font": os.path.isfile(os.path.join(root, "fonts", "CadreCertKai-Regular.ttf")),
    "migration": os.path.isfile(os.path.join(root, "migrations", "0001_initial.py")),
    "template": os.path.isfile(os.path.join(root, "templates", "cadre_policy", "verify_certificate.html")),
    "packs": os.path.isfile(os.path.join(root, "policies", "anhui-2019.yaml")),
}))
"""


def _copy_source(target):
    """The distribution's own files (not .git, .venv or build output) to build from."""
    ignore = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "node_modules",
                                    "var", ".pytest_cache", ".ruff_cache", "tests", "sandbox", "benchmarks")
    shutil.copytree(REPO, target, ignore=ignore)


def test_a_fresh_install_is_found_by_get_plugin_apps(tmp_path):
    source, target = tmp_path / "src", tmp_path / "site"
    _copy_source(source)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(source)], check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONWARNINGS": "ignore"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True, text=True, cwd=tmp_path,
                            env=env, timeout=120)
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["file"].startswith(str(target))
    assert APP in found["lms"] and APP in found["cms"]
    assert found["font"] and found["migration"] and found["template"] and found["packs"]
