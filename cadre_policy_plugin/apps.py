"""
Django app configuration: how the LMS and Studio find and wire this plugin.

edx-platform reads ``plugin_app`` to mount URLs, merge settings and connect signal
receivers without any change to the platform (edx-django-utils plugin framework).
Settings are merged for both ``common`` and ``production`` so that a value from the
operator's YAML (loaded between the two) never loses the defaults or the filter steps.
"""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from edx_django_utils.plugins.constants import PluginSettings, PluginSignals, PluginURLs

_URLS = {
    PluginURLs.NAMESPACE: "cadre_policy",
    PluginURLs.REGEX: r"^cadre/",
    PluginURLs.RELATIVE_PATH: "urls",
}
_SETTINGS = {
    "common": {PluginSettings.RELATIVE_PATH: "settings.common"},
    "production": {PluginSettings.RELATIVE_PATH: "settings.common"},
}
_RECEIVERS = [
    {
        PluginSignals.RECEIVER_FUNC_NAME: "award_hours_on_certificate",
        PluginSignals.SIGNAL_PATH: "openedx_events.learning.signals.CERTIFICATE_CREATED",
        PluginSignals.DISPATCH_UID: "cadre_policy.award_hours_on_certificate",
    },
    {
        PluginSignals.RECEIVER_FUNC_NAME: "reverse_hours_on_certificate_revoked",
        PluginSignals.SIGNAL_PATH: "openedx_events.learning.signals.CERTIFICATE_REVOKED",
        PluginSignals.DISPATCH_UID: "cadre_policy.reverse_hours_on_certificate_revoked",
    },
    {
        PluginSignals.RECEIVER_FUNC_NAME: "record_course_passing",
        PluginSignals.SIGNAL_PATH: "openedx_events.learning.signals.COURSE_PASSING_STATUS_UPDATED",
        PluginSignals.DISPATCH_UID: "cadre_policy.record_course_passing",
    },
    {
        PluginSignals.RECEIVER_FUNC_NAME: "record_ccx_course_passing",
        PluginSignals.SIGNAL_PATH: "openedx_events.learning.signals.CCX_COURSE_PASSING_STATUS_UPDATED",
        PluginSignals.DISPATCH_UID: "cadre_policy.record_ccx_course_passing",
    },
]


class CadrePolicyConfig(AppConfig):
    """The cadre policy plugin: ledger, organisation tree, learner profiles, policies."""

    name = "cadre_policy_plugin"
    label = "cadre_policy"
    verbose_name = _("Cadre training hours")
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app = {
        PluginURLs.CONFIG: {
            "lms.djangoapp": dict(_URLS),
            "cms.djangoapp": dict(_URLS),
        },
        PluginSettings.CONFIG: {
            "lms.djangoapp": dict(_SETTINGS),
            "cms.djangoapp": dict(_SETTINGS),
        },
        PluginSignals.CONFIG: {
            "lms.djangoapp": {PluginSignals.RELATIVE_PATH: "handlers", PluginSignals.RECEIVERS: _RECEIVERS},
        },
    }

    def ready(self):
        """Connect receivers (same dispatch_uids as the plugin framework) and system checks."""
        from cadre_policy_plugin import checks, handlers, receivers  # noqa: F401
