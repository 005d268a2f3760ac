"""
Django app of the block: the learning-session store the verification needs.

Like xblock-lti-consumer, the block ships its own small Django app so that its
session rows have their own migrations (docs/decisions/0020).
"""
from django.apps import AppConfig


class CadreCreditsConfig(AppConfig):
    """Learning sessions and verified block progress."""

    name = "cadre_credits_xblock"
    label = "cadre_credits"
    verbose_name = "Cadre credit-hour block"
    default_auto_field = "django.db.models.BigAutoField"
    plugin_app = {}
