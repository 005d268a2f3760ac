"""The ``CADRE_CREDITS`` settings: one accessor, documented defaults, system checks."""
import pytest
from django.test import override_settings

from cadre_credits_xblock.checks import check_credits_settings
from cadre_credits_xblock.conf import credits_setting
from cadre_credits_xblock.settings.common import DEFAULTS

from .runtime import make_block


def test_unknown_keys_are_an_error_not_a_silent_default():
    with pytest.raises(KeyError):
        credits_setting("HEARTBEAT_INTERVAL")


def test_operator_values_override_defaults():
    with override_settings(CADRE_CREDITS={**DEFAULTS, "CHECK_WINDOW_SECONDS": 90}):
        assert credits_setting("CHECK_WINDOW_SECONDS") == 90
    assert credits_setting("CHECK_WINDOW_SECONDS") == 60


@pytest.mark.parametrize(("configured", "ids"), [
    ({}, []),
    ({"HEARTBEAT_INTERVAL": 10}, ["cadre_credits.E001"]),
    ({"HEARTBEAT_INTERVAL_SECONDS": 40, "MAX_INTERVAL_SECONDS": 30}, ["cadre_credits.E002"]),
    ({"DEFAULT_REQUIRED_SHARE": "1.2"}, ["cadre_credits.E003"]),
    ({"DEFAULT_REQUIRED_SHARE": "most"}, ["cadre_credits.E003"]),
])
def test_system_checks_report_misconfiguration(configured, ids):
    with override_settings(CADRE_CREDITS={**DEFAULTS, **configured}):
        assert [error.id for error in check_credits_settings()] == ids


def test_an_unset_block_share_follows_the_site_default(block_name):
    block = make_block(block_name, None, duration_seconds=1000)
    assert block.required_seconds() == 950
    with override_settings(CADRE_CREDITS={**DEFAULTS, "DEFAULT_REQUIRED_SHARE": "0.8"}):
        assert block.required_seconds() == 800
    block.required_share = "0.5"
    assert block.required_seconds() == 500
