"""
Reports to units: the circular (通报) of a node's year, learner by learner and unit by unit.

Fujian §4.4 asks for periodic circulars on participation to regions and units; Loudi
Art. 15–16 for a year-end circular to units (units whose learners miss the target lose
points) and quarterly notices to individuals.  Everything here reads the ``YearStatus``
cache — one subtree query for the learners, one for their statuses, one for the
certificates, one for the units, one to spot stale statuses — so a province of tens of
thousands of learners is a handful of queries, never one engine run per learner.  The
engine runs only when asked (:func:`recompute_stale`).

Learners who left (retired, resigned, deceased, transferred) are listed on their own
and never counted in a rate: their file is kept, but their unit no longer answers for
them.  A learner without a cached status, or whose ledger changed after the status was
computed, is counted as not met and marked ``stale`` so the reader knows to recompute.

Rates are ``Decimal`` percentages rounded half up to one decimal (33.35 → 33.4, never
banker's rounding); every list is sorted in Python on plain keys so SQLite, MariaDB and
PostgreSQL give the same order whatever their collations.  No row carries a whole ID
number.
"""
import logging
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cadre_policy_plugin.models import AnnualCertificate, LearnerProfile, LearnerStatus, LedgerEntry, OrgNode, YearStatus
from cadre_policy_plugin.policy import NoPolicyError
from cadre_policy_plugin.services import review
from cadre_policy_plugin.services.evaluation import recompute_year

log = logging.getLogger(__name__)

ZERO = Decimal("0")
HUNDRED = Decimal("100")
ONE_DECIMAL = Decimal("0.1")
DEFAULT_THRESHOLD = Decimal("80")
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class LearnerLine:
    """One learner's year as the circular shows it (ID number masked)."""

    user_id: int
    username: str
    real_name: str
    id_number: str  # masked
    email: str
    unit_code: str
    unit_name: str
    rank: str
    status: str
    policy_key: str | None
    unit_of_measure: str | None
    total_needed: Decimal | None
    total_earned: Decimal
    required_needed: Decimal | None
    required_earned: Decimal
    met: bool
    shortfall: Decimal
    required_shortfall: Decimal
    certificate_serial: str | None
    has_status: bool
    stale: bool


@dataclass(frozen=True)
class UnitLine:
    """One unit below the node: active learners only in the counts and the rate."""

    code: str
    name: str
    kind: str
    learners: int
    met: int
    completion_rate: Decimal | None  # percent, 1 decimal; None when the unit has no active learner
    shortfall: Decimal
    inactive: int
    below_threshold: bool


@dataclass
class Circular:
    """A node's year: totals, units, learners (active) and learners who left."""

    node_code: str
    node_name: str
    node_kind: str
    year: int
    threshold: Decimal
    generated_at: object
    totals: UnitLine
    units: list[UnitLine] = field(default_factory=list)
    learners: list[LearnerLine] = field(default_factory=list)
    inactive: list[LearnerLine] = field(default_factory=list)
    unit_of_measure: str | None = None
    #: Hours revoked after the review of flagged sessions (Anhui Art. 13: cancelled and circulated).
    revoked: list = field(default_factory=list)

    @property
    def flagged_units(self):
        return [unit for unit in self.units if unit.below_threshold]

    @property
    def stale_count(self):
        return sum(1 for line in self.learners if line.stale)

    def as_dict(self):
        """Plain values (Decimals kept) for the JSON encoder of the REST API."""
        return {
            "node": {"code": self.node_code, "name": self.node_name, "kind": self.node_kind},
            "year": self.year, "threshold": self.threshold, "generated_at": self.generated_at,
            "unit_of_measure": self.unit_of_measure, "stale_count": self.stale_count,
            "totals": asdict(self.totals), "units": [asdict(unit) for unit in self.units],
            "learners": [_public(line) for line in self.learners],
            "inactive": [_public(line) for line in self.inactive],
            "revoked": [asdict(line) for line in self.revoked],
        }


def _public(line):
    data = asdict(line)
    data.pop("email")  # an address is for sending notices, not for reports
    return data


def completion_rate(met, learners):
    """``met / learners`` as a percent, half up to one decimal; ``None`` for no learners."""
    if not learners:
        return None
    return (Decimal(met) * HUNDRED / Decimal(learners)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def resolve_node(reference):
    """A node by code, else by primary key when ``reference`` is all digits; ``None`` when unknown."""
    reference = str(reference).strip()
    node = OrgNode.objects.filter(code=reference).first()
    if node is None and reference.isdigit():
        node = OrgNode.objects.filter(pk=int(reference)).first()
    return node


def subtree_profiles(node):
    """Learner profiles below ``node`` (``None``: every learner) — one indexed path query."""
    profiles = LearnerProfile.objects.all() if node is None else LearnerProfile.objects.in_subtree([node])
    return profiles.select_related("user", "unit")


def _stale_users(profiles, year, statuses):
    """User ids whose status is missing or older than their latest ledger row of the year."""
    latest = dict(
        LedgerEntry.objects.filter(user__cadre_profile__in=profiles, earned_on__gte=date(year, 1, 1),
                                   earned_on__lte=date(year, 12, 31))
        .values("user_id").annotate(latest=Max("created")).values_list("user_id", "latest"))
    stale = set()
    for user_id, when in latest.items():
        row = statuses.get(user_id)
        if row is not None and when > row.computed_at:
            stale.add(user_id)
    return stale


def _shortfall(needed, earned):
    if needed is None:
        return ZERO
    return max(needed - earned, ZERO)


def _line(profile, row, serial, stale):
    total_needed = row.total_needed if row else None
    required_needed = row.required_needed if row else None
    total_earned = row.total_earned if row else ZERO
    required_earned = row.required_earned if row else ZERO
    return LearnerLine(
        user_id=profile.user_id, username=profile.user.username, real_name=profile.real_name,
        id_number=profile.masked_id_number, email=(profile.user.email or "").strip(),
        unit_code=profile.unit.code, unit_name=profile.unit.name, rank=profile.rank, status=profile.status,
        policy_key=row.policy_key if row else None, unit_of_measure=row.unit_of_measure if row else None,
        total_needed=total_needed, total_earned=total_earned, required_needed=required_needed,
        required_earned=required_earned, met=bool(row and row.met),
        shortfall=_shortfall(total_needed, total_earned), required_shortfall=_shortfall(required_needed, required_earned),
        certificate_serial=serial, has_status=row is not None,
        stale=row is None or (row.unit_id != profile.unit_id) or stale)


def learner_lines(node, year, *, progress=None):
    """Every learner below ``node`` with their cached year, in report order (see module doc)."""
    profiles = subtree_profiles(node)
    statuses = {row.user_id: row for row in YearStatus.objects.filter(year=year, user__cadre_profile__in=profiles)}
    serials = dict(AnnualCertificate.objects.filter(year=year, revoked_at__isnull=True, user__cadre_profile__in=profiles)
                   .values_list("user_id", "serial"))
    stale = _stale_users(profiles, year, statuses)
    lines = []
    for done, profile in enumerate(profiles.iterator(chunk_size=2000), start=1):
        lines.append(_line(profile, statuses.get(profile.user_id), serials.get(profile.user_id),
                           profile.user_id in stale))
        if progress and done % PROGRESS_EVERY == 0:
            progress("read", done, None)
    lines.sort(key=lambda line: (line.unit_code, line.met, -line.shortfall, line.real_name, line.user_id))
    return lines


def _unit_line(node, active, inactive, threshold):
    met = sum(1 for line in active if line.met)
    rate = completion_rate(met, len(active))
    return UnitLine(code=node.code, name=node.name, kind=node.kind, learners=len(active), met=met,
                    completion_rate=rate, shortfall=sum((line.shortfall for line in active), ZERO),
                    inactive=len(inactive), below_threshold=rate is not None and rate < threshold)


def build_circular(node, year, *, threshold=DEFAULT_THRESHOLD, progress=None):
    """
    The circular of ``node``'s subtree for ``year`` from the cache (no engine run).

    Units: every node of kind ``unit`` below ``node`` (an empty unit is listed: not
    having imported its learners is itself worth a line) and any other node that holds
    learners directly.  A unit is flagged when its completion rate is below
    ``threshold`` percent (Loudi Art. 15).
    """
    threshold = Decimal(str(threshold))
    lines = learner_lines(node, year, progress=progress)
    active = [line for line in lines if line.status == LearnerStatus.ACTIVE]
    inactive = [line for line in lines if line.status != LearnerStatus.ACTIVE]
    holding = {line.unit_code for line in lines}
    nodes = [candidate for candidate in OrgNode.objects.subtree_of(node)
             if candidate.kind == OrgNode.Kind.UNIT or candidate.code in holding]
    units = []
    for unit in sorted(nodes, key=lambda candidate: candidate.code):
        units.append(_unit_line(unit, [line for line in active if line.unit_code == unit.code],
                                [line for line in inactive if line.unit_code == unit.code], threshold))
    measures = {line.unit_of_measure for line in active if line.unit_of_measure}
    return Circular(
        node_code=node.code, node_name=node.name, node_kind=node.kind, year=year, threshold=threshold,
        generated_at=timezone.now(), totals=_unit_line(node, active, inactive, threshold), units=units,
        learners=active, inactive=inactive, unit_of_measure=measures.pop() if len(measures) == 1 else None,
        revoked=review.revoked_cases(node, year))


def recompute_stale(node, year, *, everyone=False, progress=None):
    """
    Re-run the engine for learners below ``node`` (``None``: all) whose status for
    ``year`` is missing or stale (``everyone``: all of them), one transaction each, as
    ``cadre_recompute_year_status`` does.  Returns ``(recomputed, skipped_no_policy)``.
    """
    lines = learner_lines(node, year)
    todo = [line.user_id for line in lines if everyone or line.stale]
    done = skipped = 0
    for count, user_id in enumerate(todo, start=1):
        try:
            with transaction.atomic():
                profile = LearnerProfile.objects.select_for_update().select_related("unit", "user").get(user_id=user_id)
                recompute_year(profile, year)
            done += 1
        except NoPolicyError:
            skipped += 1
            log.warning("no policy applies to the unit of user %s; year %s not recomputed", user_id, year)
        if progress and (count % PROGRESS_EVERY == 0 or count == len(todo)):
            progress("recompute", count, len(todo))
    return done, skipped
