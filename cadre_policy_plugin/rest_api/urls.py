"""REST API URLs, mounted at ``/cadre/api/v1/`` (see docs/plugin.md for each endpoint)."""
from django.urls import path

from cadre_policy_plugin.rest_api import close, documents, imports, reports, views

urlpatterns = [
    path("me/file/", views.MyFileView.as_view(), name="api-my-file"),
    path("me/status/", views.MyStatusView.as_view(), name="api-my-status"),
    path("units/<str:code>/summary/", views.UnitSummaryView.as_view(), name="api-unit-summary"),
    path("units/<str:code>/learners/", views.UnitLearnersView.as_view(), name="api-unit-learners"),
    path("units/<str:code>/report/", reports.UnitReportView.as_view(), name="api-unit-report"),
    path("units/<str:code>/close-jobs/", close.UnitCloseJobsView.as_view(), name="api-unit-close-jobs"),
    path("close-jobs/<int:job_id>/", close.CloseJobView.as_view(), name="api-close-job"),
    path("learners/<int:user_id>/file/", views.LearnerFileView.as_view(), name="api-learner-file"),
    path("learners/<int:user_id>/entries/", views.LearnerEntriesView.as_view(), name="api-learner-entries"),
    path("learners/<int:user_id>/entries/upload/", documents.UploadEntryView.as_view(),
         name="api-learner-entry-upload"),
    path("documents/<str:sha256>/", documents.DocumentView.as_view(), name="api-evidence-document"),
    path("imports/roster/", imports.RosterImportView.as_view(), name="api-import-roster"),
    path("imports/entries/", imports.EntryImportView.as_view(), name="api-import-entries"),
    path("entries/<uuid:entry_uuid>/revoke/", views.RevokeEntryView.as_view(), name="api-revoke-entry"),
]
