"""URLs of the test host: each app's plugin URLs, mounted as the LMS mounts them, and a login API stand-in."""
from django.contrib import admin
from django.urls import include, path

from tests.plugin.login_api import LoginSessionView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cadre/", include("cadre_policy_plugin.urls")),
    path("cadre-sync/", include("sync_adapter.urls")),
    # Open edX's login API paths (the MFE posts here), served by a stand-in with its contract.
    path("api/user/v2/account/login_session/", LoginSessionView.as_view(api_version="v2")),
    path("api/user/v1/account/login_session/", LoginSessionView.as_view(api_version="v1")),
]
