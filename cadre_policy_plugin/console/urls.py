"""URLs of the unit administrators' console, mounted at ``/cadre/manage/`` (namespace ``cadre_policy:console``)."""
from django.urls import path

from cadre_policy_plugin.console import accounts, views

app_name = "console"
urlpatterns = [
    path("", views.index, name="index"),
    path("accounts/", accounts.find, name="accounts"),
    path("accounts/<int:user_id>/", accounts.detail, name="account"),
]
