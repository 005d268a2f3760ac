"""URLs of the test host: each app's plugin URLs, mounted as the LMS mounts them."""
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cadre/", include("cadre_policy_plugin.urls")),
    path("cadre-sync/", include("sync_adapter.urls")),
]
