"""A host course catalogue for the learner-home tests (``CADRE_POLICY["COURSE_CATALOG"]``)."""
from datetime import UTC, datetime

#: Set by a test: ``{username: {course_key: last_activity or None}}`` = enrolments.
ENROLMENTS = {}

COURSES = (
    ("course-v1:Academy+LAW+2027", "依法行政专题"),
    ("course-v1:Academy+DIGI+2027", "数字政府建设"),
    ("course-v1:Academy+WRIT+2027", "公文写作规范"),
    ("course-v1:Academy+PLAIN+2027", "没有学时的普通课程"),
)


def courses(user):
    enrolled = ENROLMENTS.get(user.username, {})
    return [{"course_key": key, "name": name, "url": f"/courses/{key}/", "enrolled": key in enrolled,
             "last_activity": enrolled.get(key)} for key, name in COURSES]


def at(text):
    return datetime.fromisoformat(text).astimezone(UTC)
