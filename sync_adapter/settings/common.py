"""Defaults for the ``CADRE_SYNC`` settings dict; every key is documented in docs/sync.md."""


def plugin_settings(settings):
    """Add this app's defaults without overwriting what the operator set."""
    defaults = {}
    current = getattr(settings, "CADRE_SYNC", {}) or {}
    settings.CADRE_SYNC = {**defaults, **current}
