"""URLs of the unit administrators' console, mounted at ``/cadre/manage/`` (namespace ``cadre_policy:console``)."""
from django.urls import path

from cadre_policy_plugin.console import accounts, review, views

app_name = "console"
urlpatterns = [
    path("", views.index, name="index"),
    path("accounts/", accounts.find, name="accounts"),
    path("accounts/<int:user_id>/", accounts.detail, name="account"),
    path("review/", review.review_list, name="review"),
    path("review/<int:pk>/", review.resolve, name="review-resolve"),
]
