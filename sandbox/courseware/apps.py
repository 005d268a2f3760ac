"""Django app of the sandbox courseware (the LMS parts the plugins hook into)."""
from django.apps import AppConfig


class CoursewareConfig(AppConfig):
    """Courses, XBlock field storage, enrolments, completion, certificates."""

    name = "sandbox.courseware"
    label = "sandbox_courseware"
    verbose_name = "Sandbox courseware"
    default_auto_field = "django.db.models.BigAutoField"
