"""The Tutor plugin renders a real Tutor environment that installs and configures the apps."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TUTOR = shutil.which("tutor", path=str(Path(sys.executable).parent))


def tutor(root, *args):
    env = {**os.environ, "TUTOR_ROOT": str(root), "TUTOR_PLUGINS_ROOT": str(root / "plugins")}
    return subprocess.run([TUTOR, *args], env=env, capture_output=True, text=True, timeout=120, check=True)


@pytest.fixture(scope="module")
def tutor_env(tmp_path_factory):
    if TUTOR is None:
        pytest.fail("tutor is a test requirement (requirements/test.in) and is missing from the environment")
    root = tmp_path_factory.mktemp("tutor")
    tutor(root, "plugins", "enable", "cadre")
    tutor(root, "config", "save", "--set", "CADRE_REGISTRY_URL=https://registry.example.invalid",
          "--set", "CADRE_DEFAULT_POLICY=anhui-2019")
    return root


def test_the_plugin_is_found_through_its_entry_point(tutor_env):
    listing = tutor(tutor_env, "plugins", "list").stdout
    assert re.search(r"^cadre\s+\S*\s*enabled", listing, re.MULTILINE), listing


def test_the_openedx_image_installs_the_distribution(tutor_env):
    dockerfile = (tutor_env / "env" / "build" / "openedx" / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r'RUN pip install "cadre-credit-hours==\d+\.\d+\.\d+"', dockerfile)


def test_secrets_are_generated_once_and_kept(tutor_env):
    first = tutor(tutor_env, "config", "printvalue", "CADRE_REGISTRY_SECRET").stdout.strip()
    tutor(tutor_env, "config", "save")
    again = tutor(tutor_env, "config", "printvalue", "CADRE_REGISTRY_SECRET").stdout.strip()
    assert len(first) == 32 and first == again


def _patch(settings_text):
    start = settings_text.index("# cadre-credit-hours (tutor plugin \"cadre\")")
    end = settings_text.index("})", settings_text.rindex(".update({")) + 2
    return settings_text[start:end]


def test_lms_settings_update_the_plugin_dicts_without_replacing_defaults(tutor_env):
    text = (tutor_env / "env" / "apps" / "openedx" / "settings" / "lms" / "production.py").read_text(encoding="utf-8")
    compile(text, "production.py", "exec")  # the whole rendered file is valid Python
    namespace = {"CADRE_POLICY": {"ENROLLMENT_GATE": True}, "CADRE_SYNC": {"BATCH_SIZE": 200}}
    exec(_patch(text), namespace)  # noqa: S102 - our own rendered template
    assert namespace["CADRE_POLICY"]["DEFAULT_POLICY_KEY"] == "anhui-2019"
    assert namespace["CADRE_POLICY"]["ENROLLMENT_GATE"] is True  # the defaults stay
    verify = namespace["CADRE_POLICY"]["CERTIFICATE_VERIFY_URL"]  # absolute: printed on paper and in the QR code
    assert re.fullmatch(r"https?://[^/]+/cadre/certificates/verify/", verify), verify
    assert namespace["CADRE_SYNC"]["REGISTRY_URL"] == "https://registry.example.invalid"
    assert namespace["CADRE_SYNC"]["BATCH_SIZE"] == 200
    key_id = namespace["CADRE_SYNC"]["ACTIVE_KEY_ID"]
    assert len(namespace["CADRE_SYNC"]["SIGNING_KEYS"][key_id]) == 32


def test_studio_gets_the_policy_settings_but_no_registry_secret(tutor_env):
    text = (tutor_env / "env" / "apps" / "openedx" / "settings" / "cms" / "production.py").read_text(encoding="utf-8")
    assert "CADRE_POLICY.update" in text
    assert "CADRE_SYNC" not in text
