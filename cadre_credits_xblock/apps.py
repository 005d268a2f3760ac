"""
Django app of the block: the learning-session store the verification needs.

Like xblock-lti-consumer, the block ships its own small Django app so that its
session rows have their own migrations (docs/decisions/0020).  The LMS and Studio
load it through the ``lms.djangoapp``/``cms.djangoapp`` entry points and merge its
settings defaults through ``plugin_app``.
"""
from django.apps import AppConfig
from edx_django_utils.plugins.constants import PluginSettings


class CadreCreditsConfig(AppConfig):
    """Learning sessions and verified block progress."""

    name = "cadre_credits_xblock"
    label = "cadre_credits"
    verbose_name = "Cadre credit-hour block"
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app = {  # noqa: RUF012 (edx-django-utils reads this class attribute)
        PluginSettings.CONFIG: {
            "lms.djangoapp": {"common": {PluginSettings.RELATIVE_PATH: "settings.common"}},
            "cms.djangoapp": {"common": {PluginSettings.RELATIVE_PATH: "settings.common"}},
        },
    }

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
