"""
The host's own app: connects the plugins' signal receivers as the LMS does.

edx-platform calls ``connect_plugin_receivers`` from its ``plugins`` app's ``ready``;
this app does the same, after every installed app (including the plugins themselves)
has been loaded, so receivers that import models work.
"""
import logging

from django.apps import AppConfig
from edx_django_utils.plugins import connect_plugin_receivers

from sandbox.plugins import LMS, ignored_entry_points, only_our_plugins

log = logging.getLogger(__name__)


class SandboxConfig(AppConfig):
    """Sign-in, demo data, pages that the LMS would otherwise provide."""

    name = "sandbox"
    label = "sandbox"
    verbose_name = "Cadre sandbox host"

    def ready(self):
        # The Celery app reads Django's settings (eager by default); creating it here,
        # not in ``sandbox/__init__``, keeps ``import sandbox.plugins`` free of it.
        from sandbox.celery import app  # noqa: F401

        with only_our_plugins():
            connect_plugin_receivers(LMS)
        ignored = ignored_entry_points(LMS)
        if ignored:
            log.info("Sandbox: left out LMS plugins from other distributions: %s", ", ".join(ignored))
