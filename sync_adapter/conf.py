"""
The one accessor for ``CADRE_SYNC`` (DRF-style namespaced settings).

Defaults live in :mod:`sync_adapter.settings.common`; reading a key that is not one
of them raises, so a typo in code fails loudly instead of silently reading ``None``.
Values are read at call time, so ``override_settings`` works in tests.
"""
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from sync_adapter.settings.common import DEFAULTS


def sync_config():
    """The effective ``CADRE_SYNC`` dict: defaults overlaid with the operator's values."""
    return {**DEFAULTS, **(getattr(settings, "CADRE_SYNC", None) or {})}


def unknown_keys():
    """Keys the operator set that this app does not know (system check E001)."""
    return sorted(set(getattr(settings, "CADRE_SYNC", None) or {}) - set(DEFAULTS))


def sync_setting(name):
    """Return one ``CADRE_SYNC`` value; an unknown name is a programming error."""
    if name not in DEFAULTS:
        raise ImproperlyConfigured(f"CADRE_SYNC has no setting named {name!r}")
    return sync_config()[name]


def import_setting(name):
    """Import the object a dotted-path setting names (adapter, providers)."""
    return import_string(sync_setting(name))
