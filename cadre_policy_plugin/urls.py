"""URLs of the policy plugin (mounted under ``/cadre/`` by the plugin framework)."""
from django.urls import include, path

from cadre_policy_plugin import views
from cadre_policy_plugin.declarations import views as declarations

app_name = "cadre_policy"
urlpatterns = [
    path("learner/", views.learner_home, name="learner-home"),
    path("learner/certificates/", views.my_certificates, name="my-certificates"),
    path("learner/statement/<int:year>.pdf", views.hours_statement_pdf, name="hours-statement"),
    path("certificates/verify/", views.verify_certificate, name="verify-certificate"),
    path("certificates/<str:serial>.pdf", views.certificate_pdf, name="certificate-pdf"),
    path("api/v1/", include("cadre_policy_plugin.rest_api.urls")),
    path("manage/", include("cadre_policy_plugin.console.urls")),
    path("account/", include("cadre_policy_plugin.account.urls")),
    path("declarations/", declarations.mine, name="declarations"),
    path("declarations/<int:year>.xlsx", declarations.my_form, name="declarations-form"),
    path("declarations/<uuid:declaration_uuid>/document/", declarations.my_document, name="declarations-document"),
]
