"""
The one accessor for ``CADRE_CREDITS`` settings.

Reading every key through :func:`credits_setting` keeps defaults in one place
(``settings/common.py``) and turns a typo in a key name into an error instead of a
silently used default.
"""
from django.conf import settings

from .settings.common import DEFAULTS


def credits_setting(name):
    """The operator's value of ``CADRE_CREDITS[name]``, or its documented default."""
    if name not in DEFAULTS:
        raise KeyError(f"Unknown CADRE_CREDITS setting: {name}")
    configured = getattr(settings, "CADRE_CREDITS", None) or {}
    return configured.get(name, DEFAULTS[name])
