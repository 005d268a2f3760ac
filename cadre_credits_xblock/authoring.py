"""
Studio's save handler: validates the author's form and stores it where it belongs.

The course credit spec goes to the policy plugin (``api.set_course_credit_spec``),
the block registers itself as a block the course's hours wait for
(``api.register_credit_block``), and only the block's own media settings are kept as
XBlock fields.

In a content library (``lib:`` / ``library-v1:``) there is no course: only the
block's own settings are validated and saved, and the answer carries a translated
notice that the course credit is set where the block is used in a course (never the
``InvalidKeyError`` a library key raises as a course key).
"""
import logging
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError

from . import i18n, policy, questions
from . import verification as v
from .compat import course_key_of, current_user, current_user_can_author, in_library, usage_key_of

log = logging.getLogger(__name__)
URL = re.compile(r"^(https?://|/)\S+$")


class AuthoringMixin:
    """``studio_submit``."""

    @XBlock.json_handler
    def studio_submit(self, data, suffix=""):
        """
        Save the form; 400 with a translated message when a value is wrong.

        Handlers are reachable from the LMS too, so only Studio's course staff may save
        (``compat.current_user_can_author``): in the LMS everybody, global staff
        included, gets 403, since a learner's or a unit administrator's request must
        never change what a course is worth.
        """
        if not current_user_can_author(self):
            raise JsonHandlerError(403, "staff only")
        library = in_library(self)
        values = _validated(data, course=not library)
        course_key = course_key_of(self)
        if not library:
            try:
                policy.save_course_spec(
                    course_key, category=values["category"], hours=values["hours"],
                    lecture_minutes=values["lecture_minutes"], topic=values["topic"],
                    exam_required=values["exam_required"], lecturer=values["lecturer"],
                    changed_by=current_user(self),
                )
            except ValidationError as exc:
                raise JsonHandlerError(400, " ".join(exc.messages)) from None
        self.display_name = values["display_name"]
        self.media_kind = values["media_kind"]
        self.video_url = values["video_url"]
        self.reading_text = values["reading_text"]
        self.duration_seconds = values["duration_seconds"]
        self.checks_required = values["checks_required"]
        self.required_share = str(values["required_share"])
        self.questions = values["questions"]
        if library:
            log.info("Credit block %s saved in library %s (no course credit there)", usage_key_of(self), course_key)
            return {"result": "success", "required_seconds": self.required_seconds(),
                    "notice": str(i18n.LIBRARY_NOTICE)}
        policy.register_block(course_key, usage_key_of(self), self.required_seconds())
        log.info("Credit block %s saved for course %s", usage_key_of(self), course_key)
        return {"result": "success", "required_seconds": self.required_seconds(), "questions": len(self.questions)}


def _fail(message):
    raise JsonHandlerError(400, str(message))


def _validated_course(data):
    """The course credit part of the form, typed (not asked in a content library)."""
    fail = _fail
    category = str(data.get("category", ""))
    if category not in i18n.CATEGORIES:
        fail(_("Choose required or elective."))
    hours = _optional_decimal(data.get("hours"), fail, _("Hours must be a number."))
    minutes = _optional_decimal(data.get("lecture_minutes"), fail, _("Lecture minutes must be a number."))
    if hours is None and minutes is None:
        fail(_("Give the course's hours or its lecture minutes."))
    topic = str(data.get("topic", ""))
    if topic not in i18n.TOPICS:
        fail(_("Choose one of the listed topics."))
    return {"category": category, "hours": hours, "lecture_minutes": minutes, "topic": topic,
            "exam_required": bool(data.get("exam_required", False)),
            "lecturer": str(data.get("lecturer", "")).strip()[:100]}


def _validated(data, *, course=True):
    """The form's values, typed; raises a 400 naming the first wrong field."""
    fail = _fail
    if not isinstance(data, dict):
        fail(_("The form could not be read; reload the page."))
    values = _validated_course(data) if course else {}
    kind = str(data.get("media_kind", v.KIND_VIDEO))
    if kind not in (v.KIND_VIDEO, v.KIND_READING):
        fail(_("Choose video or reading."))
    video_url = str(data.get("video_url", "")).strip()
    reading_text = str(data.get("reading_text", ""))
    if kind == v.KIND_VIDEO and not URL.match(video_url):
        fail(_("Give the address of the video (http://, https:// or a path starting with /)."))
    if kind == v.KIND_READING and not reading_text.strip():
        fail(_("Give the text to read."))
    duration = _int(data.get("duration_seconds"), fail, _("The duration must be a whole number of seconds."))
    if duration <= 0:
        fail(_("The duration must be more than zero seconds."))
    checks = _int(data.get("checks_required", 0), fail, _("The number of checks must be a whole number."))
    if not 0 <= checks <= 20:
        fail(_("Ask between 0 and 20 attention checks."))
    share = _optional_decimal(data.get("required_share"), fail, _("The share must be a number."))
    if share is None or not Decimal(0) < share <= Decimal(1):
        fail(_("The share must be more than 0 and at most 1."))
    source = data.get("questions", "")
    if not isinstance(source, str):
        fail(_("Write the questions as text."))
    try:
        pool = questions.parse(source, duration=duration)
    except questions.PoolError as error:
        fail(error)
    return {
        **values,
        "display_name": str(data.get("display_name", "")).strip() or _("Lecture"),
        "media_kind": kind, "video_url": video_url if kind == v.KIND_VIDEO else "",
        "reading_text": reading_text if kind == v.KIND_READING else "",
        "duration_seconds": duration, "checks_required": checks, "required_share": share, "questions": pool,
    }


def _optional_decimal(value, fail, message):
    if value is None or str(value).strip() == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        fail(message)
    if not number.is_finite() or number < 0:
        fail(message)
    return number


def _int(value, fail, message):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        fail(message)
