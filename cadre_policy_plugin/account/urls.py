"""URLs of the account pages, mounted at ``/cadre/account/`` (namespace ``cadre_policy:account``)."""
from django.urls import path

from cadre_policy_plugin.account import views

app_name = "account"
urlpatterns = [
    path("", views.password_change_redirect, name="index"),
    path("password/", views.password_change, name="password-change"),
    path("register/", views.register, name="register"),
]
