"""
Registry adapters: one class per registry format, chosen by ``CADRE_SYNC["ADAPTER"]``.

The delivery code only sees :class:`~sync_adapter.adapters.base.RegistryAdapter`;
a province whose registry speaks another format gets its own subclass.
"""
from django.utils.module_loading import import_string

from sync_adapter.conf import sync_config


def get_adapter(config=None):
    """Instantiate the configured adapter with the effective CADRE_SYNC dict."""
    config = config or sync_config()
    return import_string(config["ADAPTER"])(config)
