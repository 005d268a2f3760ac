"""
Defaults for the ``CADRE_POLICY`` settings dict (one namespaced dict, DRF style).

Every key is documented in docs/plugin.md; unknown keys are refused by the accessor.
"""


def plugin_settings(settings):
    """Add this plugin's defaults without overwriting what the operator set."""
    defaults = {}
    current = getattr(settings, "CADRE_POLICY", {}) or {}
    settings.CADRE_POLICY = {**defaults, **current}
