"""
What a learner sees first: this year against each requirement, the days left, the
courses (with what each is worth), where to continue, and every annual certificate.

One engine run per page (``evaluate_year``), so the home never disagrees with the
training file; the courses come from the host's catalogue (``catalog.py``) joined with
the plugin's credit specs; the calendar comes from the policy pack's windows.
"""
from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal

from django.utils import timezone

from cadre_policy_plugin import catalog, rules
from cadre_policy_plugin.models import AnnualCertificate, CourseCreditSpec, CreditBlock, LedgerEntry
from cadre_policy_plugin.policy import NoPolicyError
from cadre_policy_plugin.rules import windows
from cadre_policy_plugin.services.calendar import learner_calendar
from cadre_policy_plugin.services.evaluation import evaluate_year
from cadre_policy_plugin.services.profiles import profile_of

ZERO = Decimal("0")
HUNDRED = Decimal("100")

COURSE_STATES = ("completed", "in_progress", "not_enrolled")


def percent(earned, needed):
    """Whole percent of ``needed`` reached, 0–100 (never above 100; 100 when nothing is needed)."""
    if needed is None or needed <= 0:
        return 100
    return int(min(HUNDRED, earned * HUNDRED / needed))


def calendar(pack, today):
    """
    Where ``today`` falls in the pack's calendar, as data (the rules'
    ``calendar_position``): ``counts_for`` is the academic year today's hours count for
    (``None`` in a statistics period or a gap such as Anhui's December), ``kind`` the
    phase (``year``, ``makeup``, ``statistics``, ``gap``), ``days_left`` the days to the
    phase's end (today counted), ``makeup_days_left`` those to the end of the make-up
    period while it is still ahead, and the year's dates.
    """
    position = rules.calendar_position(pack, today)
    window = position.period
    makeup_ahead = window.makeup_end is not None and position.kind in ("year", "makeup")
    return {
        "counts_for": position.counts_for, "kind": position.kind, "start": window.start, "end": window.end,
        "makeup_end": window.makeup_end, "statistics": window.statistics, "phase_ends": position.phase_ends,
        "days_left": position.days_left, "next_year_starts": position.next_year_starts,
        "makeup_days_left": windows.inclusive_days(today, window.makeup_end) if makeup_ahead else None,
    }


def year_progress(profile, year, today=None):
    """
    The year against each requirement, in the pack's unit, with the required/elective
    split of what counted; ``None`` when no policy applies.  Decimals throughout.
    """
    today = today or timezone.localdate()
    try:
        pack, status = evaluate_year(profile, year)
    except NoPolicyError:
        return None
    counted = [entry for entry in status.entries if entry.counted]
    required_counted = sum((e.value for e in counted if e.category == "required"), ZERO)
    total = status.requirement("total")
    total_earned = total.earned if total else sum((e.value for e in counted), ZERO)
    required = status.requirement("required")
    required_earned = required.earned if required else min(required_counted, total_earned)
    requirements = [{
        "key": requirement.key, "needed": requirement.needed, "earned": requirement.earned,
        "shortfall": requirement.shortfall, "met": requirement.met,
        "percent": percent(requirement.earned, requirement.needed),
    } for requirement in status.requirements]
    return {
        "year": year, "policy": pack.key, "unit": pack.unit, "met": status.met, "requirements": requirements,
        "total_needed": total.needed if total else None, "total_earned": total_earned,
        "required_needed": required.needed if required else None, "required_earned": required_earned,
        "elective_earned": max(total_earned - required_earned, ZERO),
        "percent": percent(total_earned, total.needed if total else None),
        "calendar": calendar(pack, today) if year == today.year else None,
    }


def _course_rows(user, year):
    """Every course with a credit spec, joined with the host's catalogue and the ledger."""
    specs = {spec.course_key: spec for spec in CourseCreditSpec.objects.all()}
    seconds = {}
    for course_key, required in CreditBlock.objects.values_list("course_key", "required_seconds"):
        seconds[course_key] = seconds.get(course_key, 0) + required
    awarded = set(LedgerEntry.objects.effective().filter(user=user, academic_year=year)
                  .exclude(course_key="").values_list("course_key", flat=True))
    rows = []
    for course in catalog.courses_for(user):
        spec = specs.get(course.course_key)
        if spec is None:
            continue  # not a cadre course: worth nothing here
        if spec.academic_years and year not in spec.academic_years:
            continue  # not offered for this year's requirement
        state = "completed" if course.course_key in awarded else ("in_progress" if course.enrolled else "not_enrolled")
        rows.append({
            **asdict(course), "category": spec.category, "hours": spec.hours, "lecture_minutes": spec.lecture_minutes,
            "topic": spec.topic, "lecturer": spec.lecturer, "exam_required": spec.exam_required,
            "duration_seconds": seconds.get(course.course_key, 0),
            "duration_minutes": -(-seconds.get(course.course_key, 0) // 60), "state": state,
        })
    return rows


def filter_courses(rows, *, category="", topic="", state=""):
    """The rows matching every filter given (an empty filter matches all)."""
    return [row for row in rows
            if (not category or row["category"] == category) and (not topic or row["topic"] == topic)
            and (not state or row["state"] == state)]


def continue_learning(rows, limit=3):
    """Enrolled, not yet completed courses, the most recently studied first."""
    started = [row for row in rows if row["state"] == "in_progress"]
    never = datetime(1970, 1, 1, tzinfo=UTC)
    return sorted(started, key=lambda row: row["last_activity"] or never, reverse=True)[:limit]


def certificates(user):
    """Every annual certificate of ``user``, the latest year first (revoked ones marked)."""
    return [{
        "year": cert.year, "serial": cert.serial, "verification_code": cert.verification_code,
        "issued_at": cert.issued_at, "valid": cert.is_valid, "totals": cert.totals,
        "unit_of_measure": cert.unit_of_measure,
    } for cert in AnnualCertificate.objects.filter(user=user).order_by("-year")]


def _notice(user, today):
    """The calendar notice as the shared include reads it (the dict of ``api.learner_calendar``)."""
    notice = learner_calendar(user, today)
    return notice.as_dict() if notice is not None else None


def learner_home(user, *, category="", topic="", state="", today=None):
    """Everything the learner home shows (see module doc); ``None`` without a profile."""
    profile = profile_of(user)
    if profile is None:
        return None
    today = today or timezone.localdate()
    progress = year_progress(profile, today.year, today)
    rows = _course_rows(user, today.year)
    return {
        "today": today, "year": today.year, "real_name": profile.real_name, "unit_name": profile.unit.name,
        "progress": progress, "notice": _notice(user, today),
        "courses": filter_courses(rows, category=category, topic=topic, state=state),
        "course_count": len(rows), "continue": continue_learning(rows),
        "filters": {"category": category, "topic": topic, "state": state},
        "certificates": certificates(user),
    }


def hours_statement(user, year, today=None):
    """The 学时证明 data for ``year``: who, which unit, each requirement; ``None`` without one."""
    profile = profile_of(user)
    if profile is None:
        return None
    progress = year_progress(profile, year, today)
    if progress is None:
        return None
    return {
        "real_name": profile.real_name, "unit_name": profile.unit.name, "year": year, "unit": progress["unit"],
        "requirements": progress["requirements"], "met": progress["met"],
        "required_earned": progress["required_earned"], "elective_earned": progress["elective_earned"],
        "as_of": today or timezone.localdate(),
    }

