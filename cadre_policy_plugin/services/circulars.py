"""
Reports to units: the circular (通报) of a node's year, learner by learner and unit by unit.

Fujian §4.4 asks for periodic circulars on participation to regions and units; Loudi
Art. 15–16 for a year-end circular to units (units whose learners miss the target lose
points) and quarterly notices to individuals.  Everything here reads the ``YearStatus``
cache, a batch of units at a time (at most ``READ_BATCH`` learners): one query each for
the learners, their statuses (without the engine's ``detail``), their certificates and
their latest ledger rows, so a province of a hundred thousand learners is a few queries
per five thousand learners and its memory stays that of one batch, never one engine
run per learner.  The engine runs only when asked (:func:`recompute_stale`).

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
from functools import cached_property

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from cadre_policy_plugin import identity
from cadre_policy_plugin.models import AnnualCertificate, LearnerProfile, LearnerStatus, LedgerEntry, OrgNode, YearStatus
from cadre_policy_plugin.policy import NoPolicyError
from cadre_policy_plugin.services import review
from cadre_policy_plugin.services.evaluation import recompute_year
from cadre_policy_plugin.services.ledger import lock_profile

log = logging.getLogger(__name__)

ZERO = Decimal("0")
HUNDRED = Decimal("100")
ONE_DECIMAL = Decimal("0.1")
DEFAULT_THRESHOLD = Decimal("80")
PROGRESS_EVERY = 500
READ_BATCH = 5000  # learners read (and sorted) at a time: the circular's memory does not grow past it


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
    """
    A node's year: totals and units (computed in one streaming pass), and the learners
    (active) and learners who left, read again batch by batch when iterated.

    ``iter_learners()``/``iter_inactive()`` stream the lines in report order with memory
    bounded by one batch (``READ_BATCH`` learners, or one unit if larger): the CSV and
    XLSX exports use them.  ``learners``/``inactive`` are the same lines as lists, for
    the JSON report and small trees.
    """

    node_code: str
    node_name: str
    node_kind: str
    year: int
    threshold: Decimal
    generated_at: object
    totals: UnitLine
    units: list[UnitLine] = field(default_factory=list)
    unit_of_measure: str | None = None
    stale_count: int = 0
    reader: object = field(default=None, repr=False, compare=False)
    #: Hours revoked after the review of flagged sessions (Anhui Art. 13: cancelled and circulated).
    revoked: list = field(default_factory=list)

    @property
    def flagged_units(self):
        return [unit for unit in self.units if unit.below_threshold]

    def iter_learners(self):
        return (line for line in self.reader() if line.status == LearnerStatus.ACTIVE)

    def iter_inactive(self):
        return (line for line in self.reader() if line.status != LearnerStatus.ACTIVE)

    @cached_property
    def learners(self):
        return list(self.iter_learners())

    @cached_property
    def inactive(self):
        return list(self.iter_inactive())

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


def _shortfall(needed, earned):
    if needed is None:
        return ZERO
    return max(needed - earned, ZERO)


PROFILE_COLUMNS = ("user_id", "user__username", "user__email", "real_name", "id_number", "unit_id", "rank", "status")
# Never ``detail`` (the engine's whole answer, kilobytes a row): a circular needs the figures only.
STATUS_COLUMNS = ("user_id", "policy_key", "unit_of_measure", "total_needed", "total_earned", "required_needed",
                  "required_earned", "met", "computed_at", "unit_id")


def _line(profile, unit, row, serial, stale):
    """``profile`` and ``row`` are value tuples (PROFILE_COLUMNS, STATUS_COLUMNS)."""
    user_id, username, email, real_name, id_number, unit_id, rank, status = profile
    if row is not None:
        _uid, policy_key, measure, total_needed, total_earned, required_needed, required_earned, met, computed, \
            status_unit = row
    else:
        policy_key = measure = total_needed = required_needed = computed = status_unit = None
        total_earned = required_earned = ZERO
        met = False
    return LearnerLine(
        user_id=user_id, username=username, real_name=real_name, id_number=identity.mask_id_number(id_number),
        email=(email or "").strip(), unit_code=unit.code, unit_name=unit.name, rank=rank, status=status,
        policy_key=policy_key, unit_of_measure=measure, total_needed=total_needed, total_earned=total_earned,
        required_needed=required_needed, required_earned=required_earned, met=bool(met),
        shortfall=_shortfall(total_needed, total_earned), required_shortfall=_shortfall(required_needed, required_earned),
        certificate_serial=serial, has_status=row is not None,
        stale=row is None or status_unit != unit_id or (stale is not None and stale > computed))


def _unit_batches(node, nodes=None):
    """
    The units holding learners below ``node``, in code order, grouped so each group
    holds at most ``READ_BATCH`` learners (a larger unit is a group of its own).
    ``nodes`` are the subtree's nodes when the caller has read them already.
    """
    profiles = LearnerProfile.objects.all() if node is None else LearnerProfile.objects.in_subtree([node])
    counts = dict(profiles.order_by().values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    if nodes is None:
        units = OrgNode.objects.only("code", "name", "kind", "path").in_bulk(list(counts))
    else:
        units = {candidate.pk: candidate for candidate in nodes if candidate.pk in counts}
    batch, size = [], 0
    for unit in sorted(units.values(), key=lambda unit: unit.code):
        if batch and size + counts[unit.pk] > READ_BATCH:
            yield batch
            batch, size = [], 0
        batch.append(unit)
        size += counts[unit.pk]
    if batch:
        yield batch


def _batch_lines(units, year):
    """The lines of the learners of ``units`` (one query per table), sorted in report order."""
    by_id = {unit.pk: unit for unit in units}
    ids = list(by_id)
    statuses = {row[0]: row for row in YearStatus.objects.filter(year=year, user__cadre_profile__unit_id__in=ids)
                .values_list(*STATUS_COLUMNS)}
    serials = dict(AnnualCertificate.objects.filter(year=year, revoked_at__isnull=True,
                                                    user__cadre_profile__unit_id__in=ids)
                   .values_list("user_id", "serial"))
    latest = dict(LedgerEntry.objects.filter(user__cadre_profile__unit_id__in=ids, earned_on__gte=date(year, 1, 1),
                                             earned_on__lte=date(year, 12, 31))
                  .order_by().values("user_id").annotate(latest=Max("created")).values_list("user_id", "latest"))
    lines = [_line(profile, by_id[profile[5]], statuses.get(profile[0]), serials.get(profile[0]),
                   latest.get(profile[0]))
             for profile in LearnerProfile.objects.filter(unit_id__in=ids).values_list(*PROFILE_COLUMNS)]
    lines.sort(key=lambda line: (line.unit_code, line.met, -line.shortfall, line.real_name, line.user_id))
    return lines


def iter_learner_lines(node, year, *, progress=None, nodes=None):
    """Every learner below ``node`` with their cached year, in report order, one batch in memory at a time."""
    done = 0
    for units in _unit_batches(node, nodes):
        batch = _batch_lines(units, year)
        yield from batch
        done += len(batch)
        if progress:
            progress("read", done, None)


def learner_lines(node, year, *, progress=None):
    """Every learner below ``node`` with their cached year, in report order (see module doc)."""
    return list(iter_learner_lines(node, year, progress=progress))


def _unit_line(node, counts, threshold):
    learners, met, shortfall, inactive = counts
    rate = completion_rate(met, learners)
    return UnitLine(code=node.code, name=node.name, kind=node.kind, learners=learners, met=met,
                    completion_rate=rate, shortfall=shortfall, inactive=inactive,
                    below_threshold=rate is not None and rate < threshold)


def build_circular(node, year, *, threshold=DEFAULT_THRESHOLD, progress=None):
    """
    The circular of ``node``'s subtree for ``year`` from the cache (no engine run).

    Units: every node of kind ``unit`` below ``node`` (an empty unit is listed: not
    having imported its learners is itself worth a line) and any other node that holds
    learners directly.  A unit is flagged when its completion rate is below
    ``threshold`` percent (Loudi Art. 15).  The counts come from one streaming pass that
    keeps only counters; the learner lines are read again when iterated.
    """
    threshold = Decimal(str(threshold))
    counts, total = {}, [0, 0, ZERO, 0]
    measures, stale = set(), 0
    subtree = list(OrgNode.objects.subtree_of(node))
    for line in iter_learner_lines(node, year, progress=progress, nodes=subtree):
        unit = counts.setdefault(line.unit_code, [0, 0, ZERO, 0])
        if line.status == LearnerStatus.ACTIVE:
            for bucket in (unit, total):
                bucket[0] += 1
                bucket[1] += line.met
                bucket[2] += line.shortfall
            stale += line.stale
            if line.unit_of_measure:
                measures.add(line.unit_of_measure)
        else:
            unit[3] += 1
            total[3] += 1
    nodes = [candidate for candidate in subtree if candidate.kind == OrgNode.Kind.UNIT or candidate.code in counts]
    units = [_unit_line(unit, counts.get(unit.code, (0, 0, ZERO, 0)), threshold)
             for unit in sorted(nodes, key=lambda candidate: candidate.code)]
    return Circular(
        node_code=node.code, node_name=node.name, node_kind=node.kind, year=year, threshold=threshold,
        generated_at=timezone.now(), totals=_unit_line(node, total, threshold), units=units,
        unit_of_measure=measures.pop() if len(measures) == 1 else None, stale_count=stale,
        reader=lambda: iter_learner_lines(node, year, nodes=subtree),
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
                recompute_year(lock_profile(user_id), year)
            done += 1
        except NoPolicyError:
            skipped += 1
            log.warning("no policy applies to the unit of user %s; year %s not recomputed", user_id, year)
        if progress and (count % PROGRESS_EVERY == 0 or count == len(todo)):
            progress("recompute", count, len(todo))
    return done, skipped
