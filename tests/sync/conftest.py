"""
Fixtures of the sync tests: a real reference registry on loopback (a thread of the
test process serving real HTTP; nothing in ``requests`` is mocked) and CADRE_SYNC
settings that point at it, with the fake identity provider and short delays.
"""
import pytest
from django.test import override_settings

from sync_adapter import client
from sync_adapter.reference_registry.app import RegistryApp
from sync_adapter.reference_registry.faults import FaultConfig, FaultInjector
from sync_adapter.reference_registry.server import start_in_thread
from sync_adapter.reference_registry.store import RecordStore
from sync_adapter.settings.common import DEFAULTS
from tests.sync import fakes

KEY_ID, SECRET = "k2026", "test-secret-2026"


class RunningRegistry:
    """A reference registry serving on a free loopback port."""

    def __init__(self, keys=None):
        self.app = RegistryApp(keys or {KEY_ID: SECRET}, RecordStore(":memory:"), FaultInjector())
        self.server = start_in_thread(self.app)
        self.url = self.server.url

    def misbehave(self, **faults):
        self.app.faults.configure(FaultConfig.from_dict(faults))

    @property
    def store(self):
        return self.app.store

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def registry():
    running = RunningRegistry()
    yield running
    running.stop()
    client.reset_session()


def sync_settings(url, **overrides):
    """A CADRE_SYNC dict for the tests: fake providers, fast retries, loopback http."""
    config = {
        **DEFAULTS,
        "REGISTRY_URL": url,
        "IDENTITY_BATCH_PROVIDER": "tests.sync.fakes.registry_identities",
        "IDENTITY_PROVIDER": "tests.sync.fakes.registry_identity",
        "YEAR_TOTALS_PROVIDER": "tests.sync.fakes.year_totals",
        "LEDGER_ENTRY_PROVIDER": "tests.sync.fakes.get_ledger_entry",
        "SIGNING_KEYS": {KEY_ID: SECRET},
        "ACTIVE_KEY_ID": KEY_ID,
        "BATCH_SIZE": 50,
        "CONNECT_TIMEOUT": 1.0,
        "READ_TIMEOUT": 1.0,
        "MAX_ATTEMPTS": 4,
        "RETRY_BASE_DELAY": 0.0,
        "RETRY_MAX_DELAY": 0.0,
        "RATE_LIMIT_DEFAULT_DELAY": 0.0,
        "LEASE_SECONDS": 30,
        "DRAIN_TIME_LIMIT": 30.0,
        "ALLOW_INSECURE_HTTP": True,
    }
    config.update(overrides)
    return config


@pytest.fixture
def sync(registry):
    """CADRE_SYNC pointed at the running registry; yields a function to change keys."""
    current = {"config": sync_settings(registry.url)}
    overrider = override_settings(CADRE_SYNC=current["config"])
    overrider.enable()

    def configure(**overrides):
        nonlocal overrider
        overrider.disable()
        current["config"] = sync_settings(registry.url, **overrides)
        overrider = override_settings(CADRE_SYNC=current["config"])
        overrider.enable()
        return current["config"]

    yield configure
    overrider.disable()


@pytest.fixture(autouse=True)
def _clean_fakes():
    yield
    fakes.BROKEN_USERS.clear()
    fakes.ENTRIES.clear()
