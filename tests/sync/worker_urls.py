"""URLs of the integration-test host (only this app and the admin are installed)."""
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("cadre-sync/", include("sync_adapter.urls")),
]
