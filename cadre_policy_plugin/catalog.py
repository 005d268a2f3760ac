"""
The host's course catalogue, as the learner home needs it: which courses exist, their
names and links, and which ones the learner is enrolled in.

The plugin keeps what a course is *worth* (``CourseCreditSpec``); the host keeps what a
course *is*.  ``CADRE_POLICY["COURSE_CATALOG"]`` names a function ``(user) -> list of
dicts`` with the keys of :class:`CatalogCourse`; the default reads edx-platform's
``CourseOverview`` and ``CourseEnrollment`` (and edx-completion's last completion as the
"last studied" moment), imported lazily here and nowhere else, like lti-consumer's
``compat.py``.  The sandbox points the setting at its own courseware.
"""
import logging
from dataclasses import dataclass
from datetime import datetime

from django.utils.module_loading import import_string

from cadre_policy_plugin.conf import cadre_setting

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogCourse:
    """One course as the host describes it to the learner home."""

    course_key: str
    name: str
    url: str
    enrolled: bool = False
    last_activity: datetime | None = None
    description: str = ""


def courses_for(user):
    """The host's courses for ``user`` (``CatalogCourse`` list); empty when the host has none."""
    provider = import_string(cadre_setting("COURSE_CATALOG"))
    return [item if isinstance(item, CatalogCourse) else CatalogCourse(**item) for item in provider(user)]


def lms_course_catalog(user, course_keys=None):  # pragma: no cover - needs edx-platform
    """edx-platform's courses with a credit spec, the learner's enrolments and last activity."""
    from django.conf import settings

    from cadre_policy_plugin.models import CourseCreditSpec

    try:
        from common.djangoapps.student.models import CourseEnrollment
        from completion.models import BlockCompletion
        from opaque_keys.edx.keys import CourseKey
        from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
    except ImportError:
        log.info("edx-platform is not installed: the learner home lists no host courses")
        return []
    keys = [CourseKey.from_string(key) for key in (course_keys or CourseCreditSpec.objects.values_list(
        "course_key", flat=True))]
    overviews = CourseOverview.objects.filter(id__in=keys)
    enrolled = set(CourseEnrollment.objects.filter(user=user, is_active=True, course_id__in=keys)
                   .values_list("course_id", flat=True))
    root = getattr(settings, "LMS_ROOT_URL", "").rstrip("/")
    courses = []
    for overview in overviews:
        last = (BlockCompletion.objects.filter(user=user, context_key=overview.id)
                .order_by("-modified").values_list("modified", flat=True).first())
        courses.append(CatalogCourse(
            course_key=str(overview.id), name=overview.display_name_with_default, enrolled=overview.id in enrolled,
            url=f"{root}/courses/{overview.id}/course/", last_activity=last,
            description=overview.short_description or ""))
    return courses
