"""
The sandbox's course catalogue for the policy plugin's learner home
(``CADRE_POLICY["COURSE_CATALOG"]``; in the LMS the plugin reads CourseOverview and
CourseEnrollment instead, see cadre_policy_plugin/catalog.py).

"Last activity" is the latest change of the learner's block state in the course (the
key-value store the runtime writes on every heartbeat), else the enrolment.
"""
from django.db.models import Max
from django.urls import reverse

from sandbox.courseware.models import Course, CourseEnrollment, XBlockFieldValue


def course_catalog(user):
    """Every course, with the learner's enrolment and when they last studied it."""
    enrolled = dict(CourseEnrollment.objects.filter(user=user, is_active=True).values_list("course_id", "created"))
    courses = []
    for course in Course.objects.prefetch_related("blocks"):
        usage_keys = [block.usage_key for block in course.blocks.all()]
        last = None
        if course.id in enrolled:
            last = (XBlockFieldValue.objects.filter(user_id=user.pk, scope_id__in=usage_keys)
                    .aggregate(last=Max("modified"))["last"]) or enrolled[course.id]
        courses.append({
            "course_key": course.course_key, "name": course.display_name, "description": course.description,
            "url": reverse("sandbox_courseware:course", kwargs={"course_id": course.course_key}),
            "enrolled": course.id in enrolled, "last_activity": last,
        })
    return courses
