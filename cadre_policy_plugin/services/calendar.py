"""
Telling a learner where today stands in their academic calendar, before they study.

The rules decide which academic year a day's hours count for (``rules.calendar_position``);
this module turns that into sentences a learner reads on the course list, the lecture
and the training file, in zh-Hans or English, with the deployment's local dates.  A
statistics period or a gap (Anhui's December) is announced as a warning: hours earned
then count for no year, and the learner must know it *before* starting a lecture.
"""
from dataclasses import dataclass
from datetime import date

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cadre_policy_plugin import rules
from cadre_policy_plugin.policy import NoPolicyError, pack_for_profile
from cadre_policy_plugin.services.profiles import profile_of

#: Phases in which hours earned today count for no academic year.
UNCOUNTED_PHASES = ("statistics", "gap")


def local_date(value):
    """A person's reading of a date (``date`` or aware ``datetime``): the deployment's ``TIME_ZONE``, localised."""
    if value is None:
        return ""
    if not isinstance(value, date) or hasattr(value, "hour"):
        value = timezone.localdate(value)
    return formats.date_format(value, "DATE_FORMAT")


def pack_name(pack):
    """The pack as a person names it: its document's title in the active language (never its key)."""
    title = pack.data.get("title") or {}
    language = "zh-Hans" if (translation.get_language() or "").lower().startswith("zh") else "en"
    return title.get(language) or title.get("zh-Hans") or title.get("en") or pack.key


@dataclass(frozen=True)
class CalendarNotice:
    """What the learner is told about today (plain data; ``as_dict`` for JSON)."""

    policy_key: str
    policy_name: str
    today: date
    kind: str
    counts_for: int | None
    phase_ends: date
    days_left: int
    next_year_starts: date
    headline: str
    detail: str

    @property
    def counts(self):
        """True when hours earned today count for an academic year."""
        return self.counts_for is not None

    @property
    def level(self):
        return "warning" if self.kind in UNCOUNTED_PHASES else "info"

    def as_dict(self):
        return {
            "policy": {"key": self.policy_key, "name": self.policy_name},
            "today": self.today.isoformat(), "kind": self.kind, "counts": self.counts,
            "counts_for": self.counts_for, "phase_ends": self.phase_ends.isoformat(), "days_left": self.days_left,
            "next_year_starts": self.next_year_starts.isoformat(), "level": self.level,
            "headline": self.headline, "detail": self.detail,
        }


def _days_left(days):
    return ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days}


def _sentences(position):
    window = position.period
    params = {"year": window.start.year, "end": local_date(position.phase_ends), "days": _days_left(position.days_left),
              "next": local_date(position.next_year_starts), "next_year": position.next_year_starts.year}
    if position.kind == "year":
        headline = _("Hours you earn today count for academic year %(year)s.") % params
        parts = [_("The academic year ends on %(end)s (%(days)s).") % params]
        if window.makeup_end:
            parts.append(_("A make-up period follows until %(makeup_end)s for learners who have not finished.")
                         % {"makeup_end": local_date(window.makeup_end)})
        if window.statistics:
            parts.append(_("From %(start)s to %(finish)s is the statistics period: nothing earned then counts.")
                         % {"start": local_date(window.statistics[0]), "finish": local_date(window.statistics[1])})
        return headline, " ".join(parts)
    if position.kind == "makeup":
        headline = _("Make-up period: hours you earn today still count for academic year %(year)s.") % params
        detail = _("The make-up period ends on %(end)s (%(days)s); after it, hours count for no year until "
                   "academic year %(next_year)s starts on %(next)s.") % params
        return headline, detail
    if position.kind == "statistics":
        headline = _("Statistics period: hours you earn now count for no academic year.") % params
        detail = _("Academic year %(year)s has closed and its totals are being counted until %(end)s. "
                   "Academic year %(next_year)s starts on %(next)s.") % params
        return headline, detail
    headline = _("No academic year is open: hours you earn now count for no year.")
    detail = _("Academic year %(next_year)s starts on %(next)s.") % params
    return headline, detail


def notice_for_pack(pack, today):
    """The :class:`CalendarNotice` for ``today`` under ``pack`` (in the active language)."""
    position = rules.calendar_position(pack, today)
    headline, detail = _sentences(position)
    return CalendarNotice(
        policy_key=pack.key, policy_name=pack_name(pack), today=today, kind=position.kind,
        counts_for=position.counts_for, phase_ends=position.phase_ends, days_left=position.days_left,
        next_year_starts=position.next_year_starts, headline=headline, detail=detail)


def learner_calendar(user, today=None):
    """
    The learner's :class:`CalendarNotice` for ``today`` (default: the local date now);
    ``None`` without a learner profile or without a policy for their unit.
    """
    profile = profile_of(user)
    if profile is None:
        return None
    today = today or timezone.localdate()
    try:
        pack = pack_for_profile(profile, today.year)
    except NoPolicyError:
        return None
    return notice_for_pack(pack, today)
