"""
The one accessor for the ``CADRE_POLICY`` settings dict.

Read settings only through :func:`cadre_setting`: it merges the defaults from
``settings/common.py`` lazily (so ``override_settings`` in tests works) and raises on
a key that does not exist, so a typo in code fails loudly instead of silently reading
a default.
"""
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cadre_policy_plugin.settings.common import DEFAULTS

SETTING_NAME = "CADRE_POLICY"


def configured():
    """The operator's ``CADRE_POLICY`` dict (possibly with unknown keys; see checks)."""
    value = getattr(settings, SETTING_NAME, None) or {}
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{SETTING_NAME} must be a dict")
    return value


def cadre_setting(key):
    """Return ``CADRE_POLICY[key]`` or its default; unknown keys raise ``KeyError``."""
    if key not in DEFAULTS:
        raise KeyError(f"{SETTING_NAME} has no setting {key!r}")
    return configured().get(key, DEFAULTS[key])


def id_hash_key():
    """Bytes used to key ID number hashes (falls back to SECRET_KEY; see W001)."""
    key = cadre_setting("ID_NUMBER_HASH_KEY") or settings.SECRET_KEY
    return key.encode("utf-8")
