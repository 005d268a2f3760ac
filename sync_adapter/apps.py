"""Django app configuration for the registry sync adapter (an LMS plugin)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from edx_django_utils.plugins.constants import PluginSettings, PluginURLs

#: dispatch_uid of the outbox receiver (connected once, however often ready() runs).
OUTBOX_RECEIVER_UID = "cadre_sync.outbox.on_ledger_entry_recorded"
TRANSFER_RECEIVER_UID = "cadre_sync.outbox.on_registry_identity_corrected"


class SyncAdapterConfig(AppConfig):
    """Outbox, registry client, dead letters and reconciliation."""

    name = "sync_adapter"
    label = "cadre_sync"
    verbose_name = _("Cadre registry sync")
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

    def ready(self):
        """
        Connect the outbox to the ledger's in-transaction hook and register checks.

        Only the plugin's *signal* is imported, never its models, so this app works
        against any ledger that sends ``ledger_entry_recorded`` with LedgerEntryData.
        """
        # pylint: disable=import-outside-toplevel,unused-import
        from cadre_policy_plugin.signals import ledger_entry_recorded, registry_identity_corrected
        from sync_adapter import checks  # noqa: F401 - registers the system checks
        from sync_adapter.outbox import on_ledger_entry_recorded, on_registry_identity_corrected

        ledger_entry_recorded.connect(on_ledger_entry_recorded, dispatch_uid=OUTBOX_RECEIVER_UID)
        registry_identity_corrected.connect(on_registry_identity_corrected, dispatch_uid=TRANSFER_RECEIVER_UID)
