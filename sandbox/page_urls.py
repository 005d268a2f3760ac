"""The host's own pages (namespace ``sandbox``)."""
from django.urls import path

from sandbox import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SandboxLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("my/file/", views.my_file, name="my_file"),
    path("units/", views.unit_dashboard, name="unit_dashboard"),
    path("registry/", views.registry_records, name="registry_records"),
    path("verify/", views.verify_certificate, name="verify"),
]
