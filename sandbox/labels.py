"""
Display names for the plugin's vocabulary (sources, categories, ranks, evidence).

The plugin's api returns keys (``online_course``, ``county`` ...); the host pages show
them translated.  Kept here rather than imported from the plugin's models so the
pages depend only on the api's data contract.
"""
from django.utils.translation import gettext_lazy as _

SOURCES = {
    "online_course": _("Online course"),
    "live_class": _("Live class"),
    "special_course": _("Special course"),
    "exam_bonus": _("Exam bonus"),
    "offline_training": _("Offline training"),
    "group_study": _("Group study"),
    "self_study": _("Self-study"),
    "lecturing": _("Lecturing"),
    "adjustment": _("Adjustment"),
}
CATEGORIES = {"required": _("Required"), "elective": _("Elective")}
RANKS = {
    "bureau": _("Bureau level"),
    "county": _("County level"),
    "section": _("Section level"),
    "staff": _("Staff"),
    "other": _("Other"),
}
EVIDENCE = {
    "certificate": _("Course certificate"),
    "block_sessions": _("Verified learning sessions"),
    "exam": _("Exam pass"),
    "upload": _("Uploaded document"),
    "administrator": _("Entered by an administrator"),
    "import": _("Imported record"),
    "reversal": _("Reversal"),
}
REQUIREMENTS = {"total": _("Total"), "required": _("Required"), "elective": _("Elective")}
UNITS = {"hours": _("hours"), "credits": _("credits")}
