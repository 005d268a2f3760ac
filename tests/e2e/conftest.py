"""
Fixtures for the end-to-end test: a real sandbox and registry, a real browser.

The sandbox server and the reference registry run as subprocesses on free loopback
ports with a fresh temporary database each session, set up by the same management
commands ``./sandbox/run`` uses.  The browser is Debian's chromium driven by
Playwright; the test never downloads a browser.  Without chromium (or playwright) the
tests skip with the reason, except under ``CI=true`` where they fail.
"""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sandbox.clock import timeline_env
from tests.clock import real_time
from tests.services import in_ci

#: The browser journey's day: a Tuesday in March 2027, inside every pack's academic year.
JOURNEY_NOW = "2027-03-16T09:30:00+08:00"
#: A day of Anhui's December gap (no academic year) in the same journey's calendar.
DECEMBER_NOW = "2027-12-03T10:00:00+08:00"

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
#: Chromium resolves no name and connects nowhere but loopback: every host maps to
#: NOTFOUND except 127.0.0.1, the background services are off (updates, sync, network
#: time, safe browsing, autofill, metrics), and the Google endpoints that still start at
#: launch (account list, component updates) point at the discard port on loopback.
#: tests/e2e/test_no_network.py reads Chromium's NetLog to prove it.
NOWHERE = "http://127.0.0.1:9"
CHROMIUM_ARGS = [
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    # One --disable-features only: Chromium keeps the last one it is given.
    "--disable-features=AutofillServerCommunication,OptimizationHints,MediaRouter,Translate,"
    "CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,NetworkTimeServiceQuerying",
    "--no-default-browser-check",
    "--no-first-run",
    "--no-pings",
    "--metrics-recording-only",
    "--safebrowsing-disable-auto-update",
    f"--gaia-url={NOWHERE}",
    f"--google-apis-url={NOWHERE}",
    f"--lso-url={NOWHERE}",
    f"--component-updater=url-source={NOWHERE}/update",
]


def _skip_or_fail(reason):
    if in_ci():
        pytest.fail(f"{reason}; CI=true requires the browser test to run", pytrace=False)
    pytest.skip(reason)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, process, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


class Sandbox:
    """URLs and processes of one running sandbox."""

    def __init__(self, base_url, registry_url, var_dir, env):
        self.base_url = base_url
        self.registry_url = registry_url
        self.var_dir = var_dir
        self.env = env

    def url(self, path):
        return self.base_url.rstrip("/") + path

    def manage(self, *args):
        """Run a management command against the sandbox's database (for assertions)."""
        return subprocess.run(
            [sys.executable, "-m", "sandbox.manage", *args],
            cwd=REPO, env=self.env, check=True, capture_output=True, text=True,
        ).stdout


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory, browser):
    """Start the registry, migrate a fresh database, load the demo data, start the server.

    Depends on ``browser`` so that a machine without chromium skips before starting anything.
    """
    var_dir = tmp_path_factory.mktemp("sandbox-var")
    port, registry_port = free_port(), free_port()
    log_dir = REPO / "test-artifacts"
    log_dir.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sandbox.settings",
        "SANDBOX_VAR_DIR": str(var_dir),
        "SANDBOX_DB": "sqlite",
        "SANDBOX_DB_PATH": str(var_dir / "sandbox.sqlite3"),
        "SANDBOX_REGISTRY_URL": f"http://127.0.0.1:{registry_port}/",
        "SANDBOX_REGISTRY_KEY_ID": "e2e-key",
        "SANDBOX_REGISTRY_SECRET": "e2e-secret-not-for-production",
        "SANDBOX_REGISTRY_ADMIN_TOKEN": "e2e-admin",
        "SANDBOX_DEMO_FAST": "1",
        "SANDBOX_TICK_SECONDS": "2",
        "PYTHONUNBUFFERED": "1",
        # The journey runs on a named day inside every academic year, one timeline for
        # the registry and the server (tests/clock.py, sandbox/clock.py).
        **timeline_env(JOURNEY_NOW, real_time()),
    }
    env.pop("SANDBOX_CELERY_BROKER", None)
    env.pop("CADRE_TEST_DB", None)
    registry_log = open(log_dir / "e2e-registry.log", "w")  # noqa: SIM115 - closed at teardown
    server_log = open(log_dir / "e2e-sandbox.log", "w")  # noqa: SIM115
    registry = subprocess.Popen(
        [sys.executable, "-m", "sandbox.registry", "serve", "--host", "127.0.0.1",
         "--port", str(registry_port), "--db", str(var_dir / "registry.sqlite3")],
        cwd=REPO, stdout=registry_log, stderr=subprocess.STDOUT,
        env={**env, "CADRE_REGISTRY_KEYS": "e2e-key:e2e-secret-not-for-production",
             "CADRE_REGISTRY_ADMIN_TOKEN": "e2e-admin"},
    )
    server = None
    try:
        # As ./sandbox/run does: registry first, so the demo history is delivered at once.
        wait_for(f"http://127.0.0.1:{registry_port}/v1/health", registry)
        for command in (["migrate", "--noinput", "-v", "0"], ["load_demo_data"]):
            subprocess.run([sys.executable, "-m", "sandbox.manage", *command], cwd=REPO, env=env, check=True,
                           stdout=server_log, stderr=subprocess.STDOUT)
        server = subprocess.Popen(
            [sys.executable, "-m", "sandbox.manage", "serve", f"127.0.0.1:{port}"],
            cwd=REPO, env=env, stdout=server_log, stderr=subprocess.STDOUT,
        )
        wait_for(f"http://127.0.0.1:{port}/healthz", server)
        yield Sandbox(f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{registry_port}/", var_dir, env)
    finally:
        running = [process for process in (server, registry) if process is not None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        registry_log.close()
        server_log.close()


def start_server(sandbox, name, **env):
    """Another sandbox server process on the same database (e.g. on another day)."""
    port = free_port()
    log = open(REPO / "test-artifacts" / f"e2e-sandbox-{name}.log", "w")  # noqa: SIM115 - closed by the caller
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.manage", "serve", f"127.0.0.1:{port}"],
        cwd=REPO, env={**sandbox.env, **env}, stdout=log, stderr=subprocess.STDOUT,
    )
    wait_for(f"http://127.0.0.1:{port}/healthz", process)
    return Sandbox(f"http://127.0.0.1:{port}/", sandbox.registry_url, sandbox.var_dir, {**sandbox.env, **env}), \
        process, log


@pytest.fixture(scope="session")
def december_sandbox(sandbox):
    """
    The same sandbox seen on a day of Anhui's December (``DECEMBER_NOW``): a second server
    on the same database whose clock stands in the gap, ticker off (the first one delivers).
    """
    server, process, log = start_server(sandbox, "december", **timeline_env(DECEMBER_NOW, real_time()),
                                           SANDBOX_TICK_SECONDS="0")
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        _skip_or_fail("Debian's chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("playwright (Python) is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """A fresh browser context (own cookies) per signed-in person, zh-Hans first."""
    contexts = []

    def make():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def shoot():
    """``shoot(page, name)`` saves a full-page screenshot under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(page, name):
        path = SCREENSHOTS / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
