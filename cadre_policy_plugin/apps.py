"""
Django app configuration: how the LMS and Studio find and wire this plugin.

edx-platform reads ``plugin_app`` to mount URLs, merge settings and connect signal
receivers without any change to the platform (edx-django-utils plugin framework).
"""
from django.apps import AppConfig
from edx_django_utils.plugins.constants import PluginSettings, PluginSignals, PluginURLs


class CadrePolicyConfig(AppConfig):
    """The cadre policy plugin: ledger, organisation tree, learner profiles, policies."""

    name = "cadre_policy_plugin"
    label = "cadre_policy"
    verbose_name = "Cadre training hours"
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app = {
        PluginURLs.CONFIG: {
            "lms.djangoapp": {
                PluginURLs.NAMESPACE: "cadre_policy",
                PluginURLs.REGEX: r"^cadre/",
                PluginURLs.RELATIVE_PATH: "urls",
            },
            "cms.djangoapp": {
                PluginURLs.NAMESPACE: "cadre_policy",
                PluginURLs.REGEX: r"^cadre/",
                PluginURLs.RELATIVE_PATH: "urls",
            },
        },
        PluginSettings.CONFIG: {
            "lms.djangoapp": {
                "common": {PluginSettings.RELATIVE_PATH: "settings.common"},
            },
            "cms.djangoapp": {
                "common": {PluginSettings.RELATIVE_PATH: "settings.common"},
            },
        },
        PluginSignals.CONFIG: {
            "lms.djangoapp": {PluginSignals.RELATIVE_PATH: "handlers", PluginSignals.RECEIVERS: []},
        },
    }
