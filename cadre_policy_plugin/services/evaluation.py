"""
A learner's year through the rules engine, and the ``YearStatus`` cache of it.

The ledger rows of a calendar year are the year's entries: the engine guarantees one
academic year per calendar year (windows never span New Year), and it judges each
entry's window itself, so nothing here re-implements a rule.  Reversed rows and the
reversals themselves are left out.  ``history`` (earlier years met or not) comes from
the cache of those years, for the Anhui Art. 17 assessment ceiling.
"""
import logging
from datetime import date
from decimal import Decimal

from django.utils import timezone

from cadre_policy_plugin import rules, signals
from cadre_policy_plugin.conf import cadre_setting
from cadre_policy_plugin.models import LearnerProfile, LedgerEntry, YearStatus
from cadre_policy_plugin.policy import pack_for_profile

log = logging.getLogger(__name__)

ENTRY_FIELDS = ("minutes", "hours", "credits", "half_days", "absent_hours", "characters")


def engine_entry(row):
    """A ledger row as the engine's ``Entry`` (id = the row's uuid)."""
    return rules.Entry(
        id=str(row.uuid),
        source=row.source,
        on=row.earned_on,
        category=row.category or None,
        exam_passed=row.exam_passed,
        **{name: getattr(row, name) for name in ENTRY_FIELDS},
    )


def year_rows(user, year):
    """Ledger rows that count for ``year`` (not reversed, not reversals), oldest first."""
    return (LedgerEntry.objects.effective()
            .filter(user_id=getattr(user, "pk", user), earned_on__gte=date(year, 1, 1), earned_on__lte=date(year, 12, 31))
            .order_by("earned_on", "id"))


def history_for(user, year):
    return dict(YearStatus.objects.filter(user_id=getattr(user, "pk", user), year__lt=year).values_list("year", "met"))


def engine_learner(profile):
    return rules.Learner(rank=profile.rank, registered_on=profile.registered_on)


def evaluate_year(profile, year, *, pack=None, extra=(), exclude_uuids=(), rows=None):
    """
    Run the engine on ``profile``'s year.

    ``extra`` adds candidate entries not yet written (so a new row's value is computed
    in the same run that produces the new status); ``exclude_uuids`` drops rows about
    to be reversed; ``rows`` passes the year's effective rows already read (the
    learner's file reads the ledger once for the engine and the display).
    """
    pack = pack or pack_for_profile(profile, year)
    excluded = {str(u) for u in exclude_uuids}
    rows = year_rows(profile.user_id, year) if rows is None else rows
    entries = [engine_entry(row) for row in rows if str(row.uuid) not in excluded]
    entries.extend(extra)
    year_input = rules.YearInput(year=year, learner=engine_learner(profile), entries=tuple(entries),
                                 history=history_for(profile.user_id, year))
    return pack, rules.evaluate(pack, year_input)


def _amount(requirement):
    return (requirement.needed, requirement.earned) if requirement else (Decimal(0), Decimal(0))


def status_fields(pack, status):
    """The ``YearStatus`` columns for an engine answer (shared by one write and the bulk close)."""
    total_needed, total_earned = _amount(status.requirement("total"))
    required_needed, required_earned = _amount(status.requirement("required"))
    if status.requirement("required") is None:
        # No required quota under this pack (Anhui leaves the share to local rules): still
        # record how much of the total was required, for reports and the certificate.
        counted = sum((r.value for r in status.entries if r.counted and r.category == "required"), Decimal(0))
        required_earned = min(counted, total_earned)
    return {
        "policy_key": pack.key, "unit_of_measure": pack.unit, "met": status.met,
        "total_needed": total_needed, "total_earned": total_earned,
        "required_needed": required_needed, "required_earned": required_earned,
        "detail": status.as_dict(),
    }


def store_status(profile, pack, status):
    """Write the cache row for ``status``; issue/revoke the annual certificate; signal."""
    previous = YearStatus.objects.filter(user_id=profile.user_id, year=status.year).values_list(
        "met", flat=True).first()
    row, _created = YearStatus.objects.update_or_create(
        user_id=profile.user_id, year=status.year,
        defaults={**status_fields(pack, status), "unit_id": profile.unit_id},
    )
    if cadre_setting("ANNUAL_CERTIFICATE"):
        from cadre_policy_plugin.services import annual

        annual.sync_certificate(profile, pack, row)
    signals.year_status_recomputed.send(sender=YearStatus, user_id=profile.user_id, year=status.year,
                                        met=status.met, previously_met=previous, policy_key=pack.key)
    return row


def recompute_year(profile, year):
    """Re-evaluate one learner's year and refresh its cache row (returns the row)."""
    pack, status = evaluate_year(profile, year)
    return store_status(profile, pack, status)


def current_year():
    """The calendar year of today: it owns today's academic year, if any (see module doc)."""
    return timezone.localdate().year


def recompute_for_user(user, years=None):
    """Recompute the given years (default: the current one and every cached one) for ``user``."""
    profile = LearnerProfile.objects.select_related("unit", "user").filter(user=user).first()
    if profile is None:
        return []
    if years is None:
        years = set(YearStatus.objects.filter(user=user).values_list("year", flat=True)) | {current_year()}
    try:
        return [recompute_year(profile, year) for year in sorted(years)]
    except LookupError:
        log.warning("no policy applies to unit %s; year status of user %s not computed", profile.unit_id, user.pk)
        return []
