"""URLs of the sandbox courseware (the LMS's ``/courses/<course_id>/...`` shapes)."""
from django.urls import path

from sandbox.courseware import views

app_name = "sandbox_courseware"

urlpatterns = [
    path("courses/<str:course_id>/", views.course_page, name="course"),
    path("courses/<str:course_id>/enroll/", views.enroll, name="enroll"),
    path("courses/<str:course_id>/certificate/", views.request_certificate, name="request_certificate"),
    path(
        "courses/<str:course_id>/xblock/<str:usage_id>/handler/",
        views.handler_prefix,
        name="xblock_handler_prefix",
    ),
    path(
        "courses/<str:course_id>/xblock/<str:usage_id>/handler/<str:handler>/<path:suffix>",
        views.xblock_handler,
        name="xblock_handler",
    ),
    path(
        "courses/<str:course_id>/xblock/<str:usage_id>/handler/<str:handler>/",
        views.xblock_handler,
        name="xblock_handler_nosuffix",
    ),
    path("xblock/resource/<str:block_type>/<path:uri>", views.xblock_resource, name="xblock_resource"),
]
