"""
The review list: cases the credit-hour block flagged, and an administrator's decision.

``report`` is what ``api.report_suspicious_session`` does (idempotent per account,
kind, course and session; a repeated report adds to the case).  ``revoke`` reverses
the course's counted hours through :func:`services.ledger.revoke` — the same ledger
reversal and registry correction (outbox row in the same transaction) as every other
revocation — and resolves every open case of that learner and course with the same
reason; ``dismiss`` closes a case.  Both are for a 管理员 of the learner's unit
(``scope.can_manage_learner``; a 联络员 sees the list but decides nothing), and both
are audited.  Revoked cases are listed in the unit's circular
(:func:`revoked_cases`).  Nothing here runs on its own: no case is ever resolved
without a person.
"""
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadre_policy_plugin.models import LearnerProfile, LedgerEntry, ReviewCase, ReviewKind, ReviewStatus
from cadre_policy_plugin.services import ledger, scope
from cadre_policy_plugin.services.audit import audit

log = logging.getLogger(__name__)


def report(user_id, *, kind, course_key, usage_key="", session_id="", observed_at=None, detail=None):
    """Open a case, or add the new observation to the existing one; returns the case."""
    if kind not in ReviewKind.values:
        raise ValueError(f"unknown review kind {kind!r}")
    observed_at = observed_at or timezone.now()
    key = {"user_id": int(user_id), "kind": kind, "course_key": str(course_key), "session_id": str(session_id or "")}
    detail = dict(detail or {})
    for _attempt in range(2):
        with transaction.atomic():
            case = ReviewCase.objects.select_for_update().filter(**key).first()
            if case is not None:
                case.detail = _merge(case.detail, detail)
                case.last_seen = max(case.last_seen, observed_at)
                case.times_seen += 1
                case.save(update_fields=["detail", "last_seen", "times_seen"])
                return case
            try:
                with transaction.atomic():
                    case = ReviewCase.objects.create(**key, usage_key=str(usage_key or ""), detail=detail,
                                                     first_seen=observed_at, last_seen=observed_at)
            except IntegrityError:
                continue  # reported at the same moment by another request: add to that case
        log.info("review: %s case %s opened for user %s in %s", kind, case.pk, user_id, course_key)
        return case
    raise RuntimeError("review case could be neither created nor found")


def _merge(old, new):
    merged = dict(old or {})
    for name, value in new.items():
        before = merged.get(name)
        if isinstance(before, list) and isinstance(value, list):
            merged[name] = before + [item for item in value if item not in before]
        else:
            merged[name] = value
    return merged


def visible_cases(user):
    """Cases of learners in ``user``'s subtree (a superuser: all), newest first."""
    return (ReviewCase.objects.filter(user__cadre_profile__in=scope.visible_profiles(user))
            .select_related("user__cadre_profile__unit", "resolved_by").order_by("-last_seen", "-pk"))


def counted_awards(case):
    """The counted (not reversed) award entries of the case's course for its learner."""
    return list(LedgerEntry.objects.effective().filter(user_id=case.user_id, award_key__startswith=f"{case.course_key}#"))


def revoke(case, *, by, reason):
    """
    Reverse the course's counted hours with ``reason`` and resolve the learner's open
    cases in that course.  Raises ``PermissionDenied`` outside ``by``'s subtree and
    ``ValidationError`` without a reason or when nothing is counted yet.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A reason is required to revoke hours."), code="reason")
    if not scope.can_manage_learner(by, case.user):
        raise PermissionDenied(_("This learner is outside the units you administer."))
    with transaction.atomic():
        case = ReviewCase.objects.select_for_update().get(pk=case.pk)
        if case.status != ReviewStatus.OPEN:
            raise ValidationError(_("This case is already closed."), code="closed")
        awards = counted_awards(case)
        if not awards:
            raise ValidationError(_("No hours of this course are counted for this learner yet; the case stays open."),
                                  code="nothing_counted")
        reversals = [ledger.revoke(entry.uuid, by=by, reason=reason) for entry in awards]
        hours = sum((-(r.hours or Decimal(0)) for r in reversals), Decimal(0))
        credits = sum((-(r.credits or Decimal(0)) for r in reversals), Decimal(0))
        now = timezone.now()
        cases = list(ReviewCase.objects.select_for_update().filter(
            user_id=case.user_id, course_key=case.course_key, status=ReviewStatus.OPEN))
        for each in cases:
            each.status = ReviewStatus.REVOKED
            each.resolved_by, each.resolved_at, each.reason = by, now, reason
            each.reversals = [str(r.uuid) for r in reversals]
            each.revoked_hours = hours if any(r.hours is not None for r in reversals) else None
            each.revoked_credits = credits if any(r.credits is not None for r in reversals) else None
            each.save()
        audit(by, "review.revoke", target=case, learner=case.user, reason=reason,
              detail={"cases": [each.pk for each in cases], "reversals": [str(r.uuid) for r in reversals]})
    log.info("review: case %s revoked by %s (%s reversal(s))", case.pk, by.pk, len(reversals))
    return ReviewCase.objects.get(pk=case.pk)


def dismiss(case, *, by, reason):
    """Close a case without touching any hours (a false alarm), with ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A reason is required to dismiss a case."), code="reason")
    if not scope.can_manage_learner(by, case.user):
        raise PermissionDenied(_("This learner is outside the units you administer."))
    with transaction.atomic():
        case = ReviewCase.objects.select_for_update().get(pk=case.pk)
        if case.status != ReviewStatus.OPEN:
            raise ValidationError(_("This case is already closed."), code="closed")
        case.status = ReviewStatus.DISMISSED
        case.resolved_by, case.resolved_at, case.reason = by, timezone.now(), reason
        case.save()
        audit(by, "review.dismiss", target=case, learner=case.user, reason=reason, detail={})
    return case


@dataclass(frozen=True)
class RevokedLine:
    """A revoked case as the circular lists it (ID number masked)."""

    unit_code: str
    unit_name: str
    real_name: str
    id_number: str
    kind: str
    course_key: str
    hours: Decimal | None
    credits: Decimal | None
    reason: str
    resolved_on: date


def revoked_cases(node, year):
    """
    Hours revoked after review in ``node``'s subtree, decided in ``year`` (one line per
    learner and course: the sibling cases of one decision are one line).
    """
    profiles = LearnerProfile.objects.all() if node is None else LearnerProfile.objects.in_subtree([node])
    rows = (ReviewCase.objects.filter(status=ReviewStatus.REVOKED, user__cadre_profile__in=profiles)
            .select_related("user__cadre_profile__unit").order_by("resolved_at", "pk"))
    lines, seen = [], set()
    for case in rows:
        resolved_on = timezone.localdate(case.resolved_at)
        key = (case.user_id, case.course_key, tuple(case.reversals))
        if resolved_on.year != year or key in seen:
            continue
        seen.add(key)
        profile = case.user.cadre_profile
        lines.append(RevokedLine(
            unit_code=profile.unit.code, unit_name=profile.unit.name, real_name=profile.real_name,
            id_number=profile.masked_id_number, kind=case.kind, course_key=case.course_key,
            hours=case.revoked_hours, credits=case.revoked_credits, reason=case.reason, resolved_on=resolved_on))
    lines.sort(key=lambda line: (line.unit_code, line.resolved_on, line.real_name))
    return lines
