"""
What the block shows: the learner's view, Studio's author and editor views, and
``student_view_data`` (the JSON contract other front ends, e.g. mobile, read).

Templates are plain Django templates shipped in ``templates/`` and rendered from the
package (not through the template loader), so they work in the LMS, Studio and the
tests alike; every sentence in them is translated in Python (``i18n.py``).
"""
import logging
from decimal import ROUND_CEILING, Decimal
from importlib import resources

from django.template import Context, Template
from django.utils.translation import gettext as _
from web_fragments.fragment import Fragment

from . import i18n, policy, questions, sessions
from . import verification as v
from .compat import course_key_of, current_user, in_library, usage_key_of
from .conf import credits_setting

log = logging.getLogger(__name__)
PROTOCOL_VERSION = 1


def _resource(path):
    return resources.files("cadre_credits_xblock").joinpath(path).read_text(encoding="utf-8")


def _render(template, context):
    return Template(_resource(f"templates/{template}")).render(Context(context))


class ViewsMixin:
    """student_view, author_view, studio_view and student_view_data."""

    # ------------------------------------------------------------------ learner

    def student_view(self, context=None):
        """The media, this block's verified time, the year's hours, and live status."""
        user = current_user(self)
        row = sessions.progress_for(user, usage_key_of(self)) if user is not None else None
        progress = self.progress_payload(row, None)
        year = self._year_payload(user) if user is not None else None
        calendar = self._calendar_payload(user) if user is not None else None
        init = {
            "kind": self.media_kind,
            "duration": int(self.duration_seconds or 0),
            "progress": progress,
            "year": year,
            "calendar": calendar,
            "anonymous": user is None,
            "protocol": PROTOCOL_VERSION,
            "labels": {key: str(text) for key, text in i18n.LABELS.items()},
            "reasons": {key: str(text) for key, text in i18n.REASONS.items()},
        }
        html = _render("student.html", {
            "id": str(usage_key_of(self)).replace(":", "-").replace("+", "-").replace("@", "-"),
            "display_name": self.display_name,
            "kind": self.media_kind,
            "video_url": self.video_url,
            "reading_text": self.reading_text,
            "progress": progress,
            "year": year,
            "calendar": calendar,
            "labels": init["labels"],
            "anonymous_text": i18n.REASONS["anonymous"] if user is None else "",
            "video_label": _("Lecture video: {name}").format(name=self.display_name),
            "reading_label": _("Reading: {name}").format(name=self.display_name),
        })
        fragment = Fragment(html)
        fragment.add_css(_resource("static/css/cadre_credits.css"))
        fragment.add_javascript(_resource("static/js/cadre_credits.js"))
        fragment.initialize_js("CadreCreditsXBlock", init)
        return fragment

    def student_view_data(self, context=None):
        """
        The block as data, for front ends that draw it themselves (the JSON contract
        documented in docs/xblock.md), e.g. the mobile app (Inner Mongolia's 2018 notice
        has learners on a phone).  ``learner`` is the requesting learner's own state: this
        block's verified time and the year's progress as on the learner home (``None``
        for an anonymous request); it never holds anyone else's.
        """
        spec = self._course_spec()
        user = current_user(self)
        learner = None
        if user is not None:
            row = sessions.progress_for(user, usage_key_of(self))
            learner = {"progress": self.progress_payload(row, None), "year": self._year_progress(user)}
        return {
            "display_name": self.display_name,
            "media": {
                "kind": self.media_kind,
                "video_url": self.video_url,
                "reading_text": self.reading_text if self.media_kind == v.KIND_READING else "",
                "duration_seconds": int(self.duration_seconds or 0),
            },
            "required_share": str(self.required_share_decimal()),
            "required_seconds": self.required_seconds(),
            "checks_required": int(self.checks_required or 0),
            "course": spec,
            "learner": learner,
            "protocol": {
                "version": PROTOCOL_VERSION,
                "heartbeat_interval": credits_setting("HEARTBEAT_INTERVAL_SECONDS"),
                "handlers": ["start_session", "heartbeat", "answer_check", "check_picture"],
            },
        }

    def progress_payload(self, row, rules):
        """This block's verified time for the learner, as the client draws it."""
        required = rules.required_seconds if rules is not None else Decimal(self.required_seconds())
        verified = row.verified_seconds if row is not None else Decimal(0)
        # Shown never above the required time: 2:00 of 1:54 reads as a bug to a learner
        # (the block may verify a few seconds past the required share of the video).
        shown = min(verified, required) if required > 0 else verified
        percent = 100 if required <= 0 else min(100, int(verified * 100 / required))
        return {
            "verified_seconds": str(v.secs(verified)),
            "required_seconds": str(v.secs(required)),
            "duration_seconds": str(int(self.duration_seconds or 0)),
            "checks_passed": row.checks_passed if row is not None else 0,
            "checks_required": int(self.checks_required or 0),
            "completed": bool(row is not None and row.completed),
            "percent": percent,
            "text": str(i18n.LABELS["progress_text"]).format(
                verified=i18n.minutes(shown), required=i18n.minutes(required)),
        }

    def _year_payload(self, user):
        try:
            summary = policy.year_summary(user)
        except Exception:  # the lecture must still play when the plugin cannot answer
            log.exception("No year summary for user %s", getattr(user, "id", None))
            return None
        line = i18n.year_line(summary)
        if line is None:
            return None
        return {"text": line, "met": bool(summary.get("met")), "unit": summary.get("unit"),
                "total_earned": str(summary.get("total_earned")), "total_needed": str(summary.get("total_needed"))}

    def _calendar_payload(self, user):
        """
        Which academic year the hours earned now count for, shown above the media so the
        learner knows *before* playing (a statistics period or Anhui's December counts
        for no year).  The plugin writes the sentences; the lecture plays without them.
        """
        try:
            return policy.calendar(user)
        except Exception:  # the lecture must still play when the plugin cannot answer
            log.exception("No calendar for user %s", getattr(user, "id", None))
            return None

    def _year_progress(self, user):
        """The learner home's year progress as JSON (strings for amounts, ISO dates)."""
        try:
            progress = policy.year_progress(user)
        except Exception:  # the block's data must still load when the plugin cannot answer
            log.exception("No year progress for user %s", getattr(user, "id", None))
            return None
        return _jsonable(progress) if progress is not None else None

    def required_seconds(self) -> int:
        """Whole seconds that must be verified (share x duration, rounded up)."""
        value = self.required_share_decimal() * Decimal(int(self.duration_seconds or 0))
        return int(value.to_integral_value(rounding=ROUND_CEILING))

    # ------------------------------------------------------------------- Studio

    def author_view(self, context=None):
        """A one-line summary on Studio's unit page: what the course and block are worth."""
        spec = self._course_spec()
        html = _render("author.html", {
            "display_name": self.display_name,
            "course_line": self._course_line(spec),
            "block_line": _("{media}, {duration}, {checks} attention checks, {share}% must be verified").format(
                media=_("Video") if self.media_kind == v.KIND_VIDEO else _("Reading"),
                duration=i18n.minutes(self.duration_seconds), checks=int(self.checks_required or 0),
                share=i18n.number(self.required_share_decimal() * 100)),
            "pool_line": (_("{count} content questions for the checks").format(count=len(self.questions))
                          if self.questions else _("No content questions: the checks show a number in a picture.")),
        })
        return Fragment(html)

    def studio_view(self, context=None):
        """The author's form: the course credit spec and this block's media."""
        spec = self._course_spec() or {}
        html = _render("studio.html", {
            "library_notice": str(i18n.LIBRARY_NOTICE) if in_library(self) else "",
            "display_name": self.display_name,
            "category": spec.get("category", "required"),
            "hours": spec.get("hours") or "",
            "lecture_minutes": spec.get("lecture_minutes") or "",
            "topic": spec.get("topic", ""),
            "exam_required": spec.get("exam_required", False),
            "lecturer": spec.get("lecturer", ""),
            "media_kind": self.media_kind,
            "video_url": self.video_url,
            "reading_text": self.reading_text,
            "duration_seconds": int(self.duration_seconds or 0),
            "checks_required": int(self.checks_required or 0),
            "required_share": str(self.required_share_decimal()),
            "questions": questions.to_text(self.questions),
            "question_count": len(self.questions or []),
            "categories": [(k, str(t)) for k, t in i18n.CATEGORIES.items()],
            "topics": [(k, str(t)) for k, t in i18n.TOPICS.items()],
            "t": _studio_labels(),
        })
        fragment = Fragment(html)
        fragment.add_javascript(_resource("static/js/cadre_credits_studio.js"))
        fragment.initialize_js("CadreCreditsStudio", {})
        return fragment

    def _course_spec(self):
        """The course credit spec as plain JSON values, or None (untagged, in a library, plugin down)."""
        if in_library(self):
            return None
        try:
            spec = policy.course_spec(course_key_of(self))
        except Exception:
            log.exception("No course credit spec for %s", course_key_of(self))
            return None
        if spec is None:
            return None
        return {
            "category": spec.category,
            "hours": None if spec.hours is None else i18n.number(spec.hours),
            "lecture_minutes": None if spec.lecture_minutes is None else i18n.number(spec.lecture_minutes),
            "topic": spec.topic,
            "exam_required": bool(spec.exam_required),
            "lecturer": getattr(spec, "lecturer", ""),
        }

    def _course_line(self, spec):
        if in_library(self):
            return str(i18n.LIBRARY_NOTICE)
        if spec is None:
            return _("This course has no credit spec yet: edit this block to set its category and hours.")
        amount = (_("{hours} hours").format(hours=spec["hours"]) if spec["hours"] is not None
                  else _("{minutes} lecture minutes").format(minutes=spec["lecture_minutes"]))
        parts = [str(i18n.CATEGORIES.get(spec["category"], spec["category"])), amount]
        if spec["topic"]:
            parts.append(str(i18n.TOPICS.get(spec["topic"], spec["topic"])))
        if spec["exam_required"]:
            parts.append(_("exam pass required"))
        return " · ".join(parts)


def _jsonable(value):
    """Decimals as strings (never floats), dates as ISO 8601, tuples as lists."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return i18n.number(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _studio_labels():
    return {
        "course": _("Course credit (applies to the whole course)"),
        "display_name": _("Display name"),
        "category": _("Category"),
        "hours": _("Hours"),
        "hours_help": _("Hours the course is worth; leave empty to count lecture minutes."),
        "lecture_minutes": _("Lecture minutes"),
        "topic": _("Topic"),
        "lecturer": _("Lecturer"),
        "exam_required": _("An exam pass is required for the hours"),
        "block": _("This lecture"),
        "media_kind": _("Media"),
        "video": _("Video"),
        "reading": _("Reading"),
        "video_url": _("Video URL (MP4/WebM)"),
        "reading_text": _("Reading text"),
        "duration": _("Duration in seconds (video length, or minimum reading time)"),
        "checks": _("Number of attention checks"),
        "share": _("Share of the duration that must be verified (0.01 to 1)"),
        "questions": _("Content questions for the attention checks (随堂弹题)"),
        "questions_help": _(
            "One item per line. ? starts a single-choice question, ?? a multiple-choice one; @ 1:30 (optional) is "
            "the point of the lecture it is about, asked only after the learner has watched up to there; + is a "
            "right choice, - a wrong one. At each check the server picks a question at random and shows its "
            "choices shuffled. Without questions the check shows a number in a picture."),
        "questions_example": _("Example: ? What must digital government put first? / @ 0:10 / + The people / "
                               "- Technology / - The departments"),
        "save": _("Save"),
        "cancel": _("Cancel"),
    }
