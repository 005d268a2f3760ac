"""
Every sentence a learner or author reads, in one place, translatable (zh-Hans, en).

The block uses Django's gettext with this app's own catalogue
(``locale/zh_Hans/LC_MESSAGES/django.po``): the app is installed wherever the block
runs, because its session tables are needed there, so no XBlock-specific i18n
service is required (ADR 0023).  The browser receives the already translated
sentences (``messages`` in every JSON response, ``labels`` in the init arguments), so
the JavaScript has no catalogue of its own.
"""
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import verification as v

# A block in a content library (v2 ``lib:`` or v1 ``library-v1:``) belongs to no course.
LIBRARY_NOTICE = gettext_lazy(
    "This block is in a content library. The course credit (category, hours, topic, exam) is set in the "
    "course that uses it: add the block to a course and edit it there. This lecture's own settings are "
    "saved here.")
LIBRARY_NO_TIME = gettext_lazy(
    "Learning time is verified only where this block is used in a course, not in a content library.")

# Why time is (not) credited, keyed by the verification module's reason codes.
REASONS = {
    v.REFUSED_SUPERSEDED: gettext_lazy(
        "This lesson was opened in another window or on another device, so time here is no longer "
        "counted. Reload the page to continue here."),
    v.REFUSED_REPLAYED: gettext_lazy("A repeated or out-of-order request was refused; it earned nothing."),
    v.REFUSED_NO_CHECK: gettext_lazy("There is no attention check waiting for an answer."),
    v.HIDDEN: gettext_lazy("Time is not counted while this page is hidden or the window is minimised."),
    v.IDLE: gettext_lazy("Time is not counted: no activity for too long. Move the mouse or press a key to continue."),
    v.GAP_CAPPED: gettext_lazy("The connection was interrupted; only part of that time could be counted."),
    v.RATE_TOO_HIGH: gettext_lazy("The playback speed is above the allowed speed; the extra speed earns nothing."),
    v.TOO_FAST: gettext_lazy("The lecture advanced faster than allowed (fast playback or skipping); "
                             "only the allowed part was counted."),
    v.AHEAD_OF_FRONTIER: gettext_lazy("You are past the last verified point. Skipped parts earn nothing: "
                                      "go back to the verified point to continue earning."),
    v.PAUSED: gettext_lazy("Playback is paused; time is not counted."),
    v.CHECK_PENDING: gettext_lazy("Answer the attention check to continue earning time."),
    v.CHECK_ISSUED: gettext_lazy("Attention check: answer within the time shown."),
    v.CHECK_PASSED: gettext_lazy("Attention check passed."),
    v.CHECK_WRONG: gettext_lazy("Wrong answer: the time since the previous check was not counted. "
                                "Watch that part again."),
    v.CHECK_EXPIRED: gettext_lazy("The attention check was not answered in time: the time since the previous "
                                  "check was not counted. Watch that part again."),
    v.DAILY_CAP: gettext_lazy("You reached today's limit of credited learning time. Continue tomorrow."),
    v.MEDIA_COMPLETE: gettext_lazy("You have verified this whole lecture."),
    "forged": gettext_lazy("This request could not be verified and was refused. Reload the page."),
    "token_expired": gettext_lazy("This learning session has expired. Reload the page to continue."),
    "unknown_session": gettext_lazy("This learning session is not known. Reload the page."),
    "anonymous": gettext_lazy("Sign in to earn study hours."),
    "throttled": gettext_lazy("Too many requests in a short time. Wait a moment, then continue."),
    "not_configured": gettext_lazy("This lecture is not set up yet (no duration); no time can be counted."),
    "bad_request": gettext_lazy("The page sent a request the server does not accept; it earned nothing. "
                                "Reload the page."),
}

# Reasons worth telling the learner about (others are for logs and the client).
SHOWN = set(REASONS) - {v.CHECK_ISSUED}

LABELS = {
    "progress": gettext_lazy("Verified learning time in this lecture"),
    # Also drawn by the browser between heartbeats (the same sentence as the server's).
    "progress_text": gettext_lazy("Verified {verified} of {required} (minutes:seconds)"),
    "status": gettext_lazy("Status"),
    "check_title": gettext_lazy("Attention check"),
    "check_seconds_left": gettext_lazy("Seconds left: {seconds}"),
    "resume": gettext_lazy("Go back to the last verified point ({time})"),
    "reading": gettext_lazy("Reading"),
    "earning": gettext_lazy("Learning time is being counted."),
    "completed": gettext_lazy("This lecture is verified complete."),
    "connection_lost": gettext_lazy("Cannot reach the server; time is not being counted."),
    "speed_limited": gettext_lazy("Playback speed is limited to {rate}x."),
    "check_confirm": gettext_lazy("Confirm the answer"),
}

UNITS = {"hours": gettext_lazy("hours"), "credits": gettext_lazy("credits")}

CATEGORIES = {"required": gettext_lazy("Required"), "elective": gettext_lazy("Elective")}

# The same keys as the policy plugin's course topics (Anhui Art. 6 content areas).
TOPICS = {
    "": gettext_lazy("(none)"),
    "theory": gettext_lazy("Basic theory"),
    "party_spirit": gettext_lazy("Party spirit"),
    "competence": gettext_lazy("Professional competence"),
    "knowledge": gettext_lazy("Knowledge"),
    "province": gettext_lazy("Provincial situation"),
}


# The attention check's fixed sentences (an authored question is shown as written).
PICTURE_QUESTION = gettext_lazy("To show you are following the lecture, choose the number shown in the picture.")
PICTURE_ALT = gettext_lazy("The number to choose, drawn with noise")
SINGLE_HINT = gettext_lazy("Choose one answer.")
MULTIPLE_HINT = gettext_lazy("Choose every right answer, then confirm.")


def messages_for(reasons) -> list[dict]:
    """``[{"code", "text"}]`` for the reasons the learner should read."""
    return [{"code": code, "text": str(REASONS[code])} for code in reasons if code in SHOWN]


def number(value) -> str:
    """A Decimal as people write it: 32.5, 50 (no exponent, no trailing zeros)."""
    if value is None:
        return "0"
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def minutes(seconds) -> str:
    """Seconds shown as whole minutes and seconds, e.g. 12:05."""
    total = int(Decimal(seconds or 0))
    return f"{total // 60}:{total % 60:02d}"


def year_line(summary) -> str | None:
    """
    "本年度已完成 32.5 / 50 学时，其中必修 20 / 25" from ``api.learner_year_summary``;
    None when the learner has no profile or no policy applies.
    """
    if not summary:
        return None
    values = {
        "earned": number(summary.get("total_earned")),
        "needed": number(summary.get("total_needed")),
        "required_earned": number(summary.get("required_earned")),
        "required_needed": number(summary.get("required_needed")),
    }
    credits = summary.get("unit") == "credits"
    if summary.get("required_needed") is None:  # the pack sets no required quota
        if credits:
            return _("This year: {earned} / {needed} credits completed").format(**values)
        return _("This year: {earned} / {needed} hours completed").format(**values)
    if credits:
        return _("This year: {earned} / {needed} credits completed, of which required "
                 "{required_earned} / {required_needed}").format(**values)
    return _("This year: {earned} / {needed} hours completed, of which required "
             "{required_earned} / {required_needed}").format(**values)
