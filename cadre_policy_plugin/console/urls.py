"""URLs of the unit administrators' console, mounted at ``/cadre/manage/`` (namespace ``cadre_policy:console``)."""
from django.urls import path

from cadre_policy_plugin.console import accounts, close, entries, imports, registrations, reports, review, views
from cadre_policy_plugin.declarations import views as declarations

app_name = "console"
urlpatterns = [
    path("", views.index, name="index"),
    path("accounts/", accounts.find, name="accounts"),
    path("accounts/<int:user_id>/", accounts.detail, name="account"),
    path("review/", review.review_list, name="review"),
    path("review/<int:pk>/", review.resolve, name="review-resolve"),
    path("units/<str:code>/", views.unit, name="unit"),
    path("units/<str:code>/close/", close.start, name="close-start"),
    path("learners/<int:user_id>/", views.learner, name="learner"),
    path("learners/<int:user_id>/entries/", entries.add, name="entry-add"),
    path("learners/<int:user_id>/entries/<uuid:entry_uuid>/revoke/", entries.revoke, name="entry-revoke"),
    path("learners/<int:user_id>/entries/<uuid:entry_uuid>/correct/", entries.correct, name="entry-correct"),
    path("learners/<int:user_id>/form/<int:year>.xlsx", declarations.learner_form, name="learner-form"),
    path("documents/<str:sha256>/", views.document, name="document"),
    path("registrations/", registrations.index, name="registrations"),
    path("registrations/<int:user_id>/approve/", registrations.approve, name="registration-approve"),
    path("registrations/<int:user_id>/reject/", registrations.reject, name="registration-reject"),
    path("imports/", imports.index, name="imports"),
    path("imports/<str:kind>/preview/", imports.preview, name="import-preview"),
    path("imports/<str:kind>/run/", imports.run, name="import-run"),
    path("imports/progress/<str:token>/", imports.progress, name="import-progress"),
    path("reports/", reports.index, name="reports"),
    path("reports/<str:code>/", reports.node_reports, name="node-reports"),
    path("reports/<str:code>/<int:year>.<str:fmt>", reports.export, name="report-export"),
    path("reports/<str:code>/notices/", reports.send_notices, name="send-notices"),
    path("notices/<int:pk>/", reports.dispatch, name="dispatch"),
    path("declarations/", declarations.review_list, name="declarations"),
    path("declarations/<uuid:declaration_uuid>/approve/", declarations.approve, name="declaration-approve"),
    path("declarations/<uuid:declaration_uuid>/reject/", declarations.reject, name="declaration-reject"),
    path("declarations/<uuid:declaration_uuid>/document/", declarations.line_document, name="declaration-document"),
    path("declarations/units/<str:code>/<int:year>.xlsx", declarations.unit_forms, name="unit-forms"),
]
