"""
Django app configuration for the registry sync adapter, an LMS *and* Studio plugin.

The cadre admin is mounted in Studio too, and every ledger write sends
``ledger_entry_recorded`` inside its transaction: the outbox receiver must be
connected in whichever process writes the ledger, or a Studio entry would never reach
the registry (reconciliation does not re-queue by default).  So the app is listed for
``cms.djangoapp`` as well, with the same settings; ``ready()`` connects the receiver
in both.  Draining and reconciliation are Celery tasks that any worker runs.
"""
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
            project: {
                PluginURLs.NAMESPACE: "cadre_sync",
                PluginURLs.REGEX: r"^cadre-sync/",
                PluginURLs.RELATIVE_PATH: "urls",
            }
            for project in ("lms.djangoapp", "cms.djangoapp")
        },
        PluginSettings.CONFIG: {
            project: {
                "common": {PluginSettings.RELATIVE_PATH: "settings.common"},
                "production": {PluginSettings.RELATIVE_PATH: "settings.common"},
            }
            for project in ("lms.djangoapp", "cms.djangoapp")
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
