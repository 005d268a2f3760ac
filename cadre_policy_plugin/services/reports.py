"""
Reading the training file: a learner's year, a unit's summary, ledger totals.

These return plain dicts and data objects (Decimals for amounts) for the XBlock, the
sync adapter's reconciliation and the REST API; none of them shows a whole ID number.
"""
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from cadre_policy_plugin.data import YearTotals
from cadre_policy_plugin.models import AnnualCertificate, LearnerProfile, LedgerEntry, OrgNode, YearStatus
from cadre_policy_plugin.policy import NoPolicyError
from cadre_policy_plugin.services.calendar import notice_for_pack, pack_name
from cadre_policy_plugin.services.evaluation import current_year, evaluate_year
from cadre_policy_plugin.services.ledger import to_data
from cadre_policy_plugin.services.profiles import profile_of
from cadre_policy_plugin.services.reasons import reason_text

ZERO = Decimal("0")


def _requirement(status, key):
    requirement = status.requirement(key)
    return (requirement.needed, requirement.earned) if requirement else (None, None)


def learner_year_summary(user, year=None):
    """
    The XBlock's progress line: needed and earned for the year, in the pack's unit.

    Evaluated live (one engine run) so it is never stale; ``None`` when the user has
    no learner profile or no policy applies.
    """
    profile = profile_of(user)
    if profile is None:
        return None
    year = year or current_year()
    try:
        pack, status = evaluate_year(profile, year)
    except NoPolicyError:
        return None
    total_needed, total_earned = _requirement(status, "total")
    required_needed, required_earned = _requirement(status, "required")
    return {"year": year, "unit": pack.unit, "total_needed": total_needed, "total_earned": total_earned,
            "required_needed": required_needed, "required_earned": required_earned, "met": status.met}


def year_totals(user_id, year):
    """
    What the ledger recorded for an academic year (reversals included, negative) for
    reconciliation, filed as the registry files the records: by ``academic_year``, and
    the entries that count for no year under the calendar year they were earned in
    (ADR 0031).
    """
    rows = LedgerEntry.objects.filter(
        Q(academic_year=year) | Q(academic_year__isnull=True, earned_on__gte=date(year, 1, 1),
                                  earned_on__lte=date(year, 12, 31)),
        user_id=user_id)
    sums = rows.aggregate(hours=Sum("value_hours"), credits=Sum("value_credits"), count=Count("id"))
    return YearTotals(user_id=user_id, year=year, hours=sums["hours"] or ZERO, credits=sums["credits"] or ZERO,
                      entry_count=sums["count"],
                      entry_uuids=tuple(str(u) for u in rows.order_by("id").values_list("uuid", flat=True)))


def ledger_entries_since(since=None, *, user_id=None, after_id=None, limit=1000):
    """
    Ledger rows recorded at or after ``since`` (a datetime), oldest first, as data.

    ``after_id`` (a uuid returned earlier) pages through rows written in the same
    instant; ``limit`` bounds one page.
    """
    rows = LedgerEntry.objects.select_related("reverses").order_by("created", "id")
    if since is not None:
        rows = rows.filter(created__gte=since)
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    if after_id is not None:
        anchor = LedgerEntry.objects.filter(uuid=after_id).values("created", "id").first()
        if anchor:
            rows = rows.filter(Q(created__gt=anchor["created"]) | Q(created=anchor["created"], id__gt=anchor["id"]))
    return [to_data(row) for row in rows[:limit]]


def get_ledger_entry(entry_uuid):
    """One row as data, or ``None`` when there is no such entry."""
    row = LedgerEntry.objects.select_related("reverses").filter(uuid=entry_uuid).first()
    return to_data(row) if row else None


def profile_dict(profile):
    """A profile for display: the ID number and mobile masked."""
    return {
        "user_id": profile.user_id, "username": profile.user.username, "real_name": profile.real_name,
        "id_number": profile.masked_id_number, "mobile": profile.masked_mobile, "rank": profile.rank,
        "unit": {"code": profile.unit.code, "name": profile.unit.name}, "political_status": profile.political_status,
        "post": profile.post, "status": profile.status, "approved": profile.approved,
        "registered_on": profile.registered_on,
    }


def _entry_dict(row, judged, reversed_ids):
    data = to_data(row)
    result = judged.get(data.uuid)
    code = result.get("reason") if result else None
    return {**data.__dict__, "counted": bool(result and result["counted"]),
            "excluded_reason": code, "excluded_reason_text": reason_text(code), "reversed": row.pk in reversed_ids}


def _year_ledger(user_id, year):
    """
    Every row of the year in one query, reversed ones and reversals included, with the
    reversal links resolved in memory: ``(rows, ids of reversed rows)``.  A reversal
    is filed under its original's ``earned_on``, so both are always in the same year.
    """
    rows = list(LedgerEntry.objects.filter(user_id=user_id, earned_on__gte=date(year, 1, 1),
                                           earned_on__lte=date(year, 12, 31)).order_by("earned_on", "id"))
    by_id = {row.pk: row for row in rows}
    reversed_ids = set()
    for row in rows:
        if row.reverses_id is not None:
            reversed_ids.add(row.reverses_id)
            original = by_id.get(row.reverses_id)
            if original is not None:
                row.reverses = original  # no query per reversal in to_data()
    return rows, reversed_ids


def learner_file(user, year=None, *, profile=None):
    """
    The electronic training file for one year: the profile (masked), every ledger row of
    the year (reversed ones and reversals included, marked), and the engine's status.
    The ledger is read once, for both the engine and the display.  ``profile``: the
    learner's profile already read with its unit (the console's scope check reads it).
    """
    profile = profile if profile is not None else profile_of(user)
    if profile is None:
        raise LearnerProfile.DoesNotExist(f"user {getattr(user, 'pk', user)} has no learner profile")
    today = timezone.localdate()
    year = year or today.year
    rows, reversed_ids = _year_ledger(profile.user_id, year)
    effective = [row for row in rows if row.reverses_id is None and row.pk not in reversed_ids]
    try:
        pack, status = evaluate_year(profile, year, rows=effective)
        status_dict = status.as_dict()
    except NoPolicyError:
        pack, status_dict = None, None
    judged = {item["id"]: item for item in (status_dict or {}).get("entries", [])}
    certificate = AnnualCertificate.objects.filter(user_id=profile.user_id, year=year,
                                                   revoked_at__isnull=True).first()
    return {
        "year": year, "profile": profile_dict(profile), "policy": pack.key if pack else None,
        "policy_name": pack_name(pack) if pack else None,
        "calendar": notice_for_pack(pack, today).as_dict() if pack and today.year == year else None,
        "status": status_dict, "entries": [_entry_dict(row, judged, reversed_ids) for row in rows],
        "certificate": {"serial": certificate.serial, "verification_code": certificate.verification_code,
                        "issued_at": certificate.issued_at} if certificate else None,
    }


def unit_summary(unit, year=None):
    """
    A unit's year from the status cache (one query per table): learners, how many met,
    and one row per learner.  Learners without a cached status count as not met.
    """
    node = unit if isinstance(unit, OrgNode) else OrgNode.objects.get(code=unit)
    year = year or current_year()
    profiles = list(LearnerProfile.objects.in_subtree([node]).select_related("user", "unit").order_by("unit__path", "id"))
    statuses = {row.user_id: row for row in YearStatus.objects.filter(year=year, user__in=[p.user_id for p in profiles])}
    learners = []
    for profile in profiles:
        row = statuses.get(profile.user_id)
        learners.append({
            **profile_dict(profile),
            "met": bool(row and row.met),
            "total_needed": row.total_needed if row else None, "total_earned": row.total_earned if row else ZERO,
            "required_needed": row.required_needed if row else None,
            "required_earned": row.required_earned if row else ZERO,
            "unit_of_measure": row.unit_of_measure if row else None,
        })
    active = [item for item in learners if item["status"] == "active"]
    return {
        "unit": {"code": node.code, "name": node.name, "kind": node.kind}, "year": year,
        "learners_total": len(active), "learners_met": sum(1 for item in active if item["met"]),
        "learners": learners,
    }
