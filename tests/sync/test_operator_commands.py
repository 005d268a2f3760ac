"""
Operator commands report an unreachable registry or database as one clear line and
exit status 3 (issue 13: ``cadre_sync_reconcile`` printed a traceback when the
registry was down).  The registry is really down (a closed loopback port), the
database really cannot be opened (a subprocess pointed at a path that does not exist).
"""
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import load_command_class
from django.test import override_settings

from tests.sync import fakes
from tests.sync.conftest import sync_settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens here once the socket is closed


def run_command(capsys, app, name, *args):
    """Run a command as manage.py does (run_from_argv): return (exit status, stdout, stderr)."""
    command = load_command_class(app, name)
    try:
        command.run_from_argv(["manage.py", name, *args, "--skip-checks"])
        status = 0
    except SystemExit as exc:
        status = exc.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("name, args", [("cadre_sync_reconcile", ()), ("cadre_sync_drain", ())])
def test_an_unreachable_registry_is_one_line_and_exit_3(capsys, name, args):
    fakes.record(fakes.make_entry(1001, "2"))
    with override_settings(CADRE_SYNC=sync_settings(closed_port_url(), CONNECT_TIMEOUT=0.5, READ_TIMEOUT=0.5)):
        status, out, err = run_command(capsys, "sync_adapter", name, *args)
    assert status == 3, (out, err)
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "the registry at http://127.0.0.1:" in lines[0] and "cannot be reached" in lines[0]


def test_a_registry_that_went_down_after_delivery_is_one_line(capsys, registry, sync):
    from sync_adapter import client, delivery

    fakes.record(fakes.make_entry(1001, "2"))
    delivery.drain()
    registry.stop()
    client.reset_session()  # no kept-alive connection to the stopped server
    status, _out, err = run_command(capsys, "sync_adapter", "cadre_sync_reconcile", "--year", "2026")
    assert status == 3 and len(err.strip().splitlines()) == 1 and "cannot be reached" in err


SETTINGS = """
from tests.settings import *  # noqa: F403
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/nonexistent-dir/cadre.sqlite3"}}
CADRE_SYNC = {"REGISTRY_URL": "http://127.0.0.1:9", "ALLOW_INSECURE_HTTP": True}
"""


@pytest.mark.parametrize("argv", [
    ["cadre_sync_status"], ["cadre_sync_reconcile"], ["cadre_sync_drain"], ["cadre_sync_dead_letters", "list"],
    ["cadre_sync_conflicts", "list"], ["cadre_import_roster", "roster.csv", "--admin", "someone"],
])
def test_an_unreachable_database_is_one_line_and_exit_3(tmp_path, argv):
    (tmp_path / "broken_db_settings.py").write_text(SETTINGS, encoding="utf-8")
    (tmp_path / "roster.csv").write_text("姓名,身份证号,职级,单位代码\r\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}", "DJANGO_SETTINGS_MODULE": "broken_db_settings",
           "CADRE_TEST_DB": "sqlite"}
    overrides = ["--settings", "broken_db_settings", "--skip-checks"]
    result = subprocess.run([sys.executable, "-m", "django", argv[0], *overrides, *argv[1:]], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=120)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr and len(lines) == 1, result.stderr
    assert "the database cannot be used: OperationalError" in lines[0]
