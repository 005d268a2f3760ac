"""CADRE_SYNC: one accessor that refuses unknown keys, system checks, beat schedule."""
import types

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from sync_adapter.checks import check_sync_settings
from sync_adapter.conf import sync_setting
from sync_adapter.settings import common
from tests.sync.conftest import sync_settings


def _ids(**config):
    with override_settings(CADRE_SYNC=config):
        return {error.id for error in check_sync_settings()}


def test_the_accessor_refuses_unknown_names():
    with pytest.raises(ImproperlyConfigured):
        sync_setting("BATCH_SIZ")
    assert sync_setting("BATCH_SIZE") == common.DEFAULTS["BATCH_SIZE"]


def test_a_good_configuration_passes():
    assert _ids(**sync_settings("https://registry.example.gov.cn")) == set()


@pytest.mark.parametrize("change, expected", [
    ({"BATCH_SIZ": 3}, "cadre_sync.E001"),
    ({"ALLOW_INSECURE_HTTP": False, "REGISTRY_URL": "http://registry.example"}, "cadre_sync.E002"),
    ({"ADAPTER": "sync_adapter.models.OutboxRecord"}, "cadre_sync.E003"),
    ({"ADAPTER": "no.such.Adapter"}, "cadre_sync.E003"),
    ({"ACTIVE_KEY_ID": "missing"}, "cadre_sync.E004"),
    ({"SIGNING_KEYS": {}}, "cadre_sync.E004"),
    ({"BATCH_SIZE": 0}, "cadre_sync.E005"),
    ({"RETRY_JITTER": 2}, "cadre_sync.E005"),
    ({"MAX_ATTEMPTS": "3"}, "cadre_sync.E005"),
    ({"LEASE_SECONDS": 3, "READ_TIMEOUT": 30}, "cadre_sync.E006"),
    ({"REGISTRY_URL": ""}, "cadre_sync.W001"),
    ({"IDENTITY_PROVIDER": "no.such.provider"}, "cadre_sync.W002"),
])
def test_each_misconfiguration_has_its_check(change, expected):
    assert expected in _ids(**{**sync_settings("https://registry.example.gov.cn"), **change})


def test_http_is_allowed_in_debug():
    config = {**sync_settings("http://127.0.0.1:8765"), "ALLOW_INSECURE_HTTP": False}
    with override_settings(CADRE_SYNC=config, DEBUG=True):
        assert "cadre_sync.E002" not in {error.id for error in check_sync_settings()}


def test_plugin_settings_keeps_operator_values_and_adds_beat_entries():
    settings = types.SimpleNamespace(CADRE_SYNC={"BATCH_SIZE": 7, "RECONCILE_INTERVAL": 0},
                                     CELERY_BEAT_SCHEDULE={"other": {"task": "x"}})
    common.plugin_settings(settings)
    assert settings.CADRE_SYNC["BATCH_SIZE"] == 7
    assert settings.CADRE_SYNC["MAX_ATTEMPTS"] == common.DEFAULTS["MAX_ATTEMPTS"]
    assert set(settings.CELERY_BEAT_SCHEDULE) == {"other", "cadre-sync-drain-outbox"}
    entry = settings.CELERY_BEAT_SCHEDULE["cadre-sync-drain-outbox"]
    assert entry["task"] == "sync_adapter.tasks.drain_outbox"
    assert entry["schedule"].total_seconds() == common.DEFAULTS["DRAIN_INTERVAL"]


def test_the_beat_tasks_are_registered_under_their_scheduled_names():
    from sync_adapter import tasks

    assert tasks.drain_outbox.name == common.DRAIN_TASK
    assert tasks.reconcile_registry.name == common.RECONCILE_TASK
