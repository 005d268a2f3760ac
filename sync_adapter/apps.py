"""Django app configuration for the registry sync adapter (an LMS plugin)."""
from django.apps import AppConfig
from edx_django_utils.plugins.constants import PluginSettings, PluginURLs


class SyncAdapterConfig(AppConfig):
    """Outbox, registry client, dead letters and reconciliation."""

    name = "sync_adapter"
    label = "cadre_sync"
    verbose_name = "Cadre registry sync"
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app = {
        PluginURLs.CONFIG: {
            "lms.djangoapp": {
                PluginURLs.NAMESPACE: "cadre_sync",
                PluginURLs.REGEX: r"^cadre-sync/",
                PluginURLs.RELATIVE_PATH: "urls",
            },
        },
        PluginSettings.CONFIG: {
            "lms.djangoapp": {"common": {PluginSettings.RELATIVE_PATH: "settings.common"}},
        },
    }
