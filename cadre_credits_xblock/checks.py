"""
System checks for ``CADRE_CREDITS`` (stable ids ``cadre_credits.E001``...).

A misconfigured measuring instrument credits the wrong time silently, so the LMS
refuses to start with settings that contradict each other.
"""
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.checks import Error, register

from .settings.common import DEFAULTS


@register()
def check_credits_settings(app_configs=None, **kwargs):
    """Unknown keys, and a credited interval shorter than the heartbeat interval."""
    configured = getattr(settings, "CADRE_CREDITS", None) or {}
    errors = []
    unknown = sorted(set(configured) - set(DEFAULTS))
    if unknown:
        errors.append(Error(
            f"Unknown CADRE_CREDITS keys: {', '.join(unknown)}",
            hint="See docs/xblock.md for the settings this app reads.",
            id="cadre_credits.E001",
        ))
    values = {**DEFAULTS, **configured}
    if int(values["MAX_INTERVAL_SECONDS"]) < int(values["HEARTBEAT_INTERVAL_SECONDS"]):
        errors.append(Error(
            "CADRE_CREDITS MAX_INTERVAL_SECONDS is shorter than HEARTBEAT_INTERVAL_SECONDS: "
            "honest learners would lose time on every heartbeat.",
            id="cadre_credits.E002",
        ))
    try:
        share = Decimal(str(values["DEFAULT_REQUIRED_SHARE"]))
    except InvalidOperation:
        share = Decimal(-1)
    if not Decimal(0) < share <= Decimal(1):
        errors.append(Error(
            "CADRE_CREDITS DEFAULT_REQUIRED_SHARE must be a decimal in (0, 1].",
            id="cadre_credits.E003",
        ))
    return errors
