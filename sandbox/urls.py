"""
URLs of the sandbox host.

The plugins' URLs come from edx-django-utils' ``get_plugin_url_patterns`` exactly as
the LMS mounts them (``/cadre/``, ``/cadre-sync/`` ...); the host adds sign-in, the
dashboard, the courseware and Django's admin and language switch.
"""
from django.contrib import admin
from django.urls import include, path
from edx_django_utils.plugins import get_plugin_url_patterns

from sandbox import media, views
from sandbox.plugins import LMS, only_our_plugins

with only_our_plugins():
    plugin_patterns = get_plugin_url_patterns(LMS)

urlpatterns = [
    path("", include(("sandbox.page_urls", "sandbox"), namespace="sandbox")),
    path("", include("sandbox.courseware.urls", namespace="sandbox_courseware")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    # Lecture video with HTTP Range, so the player can seek and resume (sandbox/media.py).
    path("media/<path:path>", media.serve_media, name="media"),
    *plugin_patterns,
]
