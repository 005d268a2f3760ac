"""
Reconciliation: compare what the registry holds with what the ledger says.

For every learner and academic year the outbox has seen (optionally narrowed), ask
the ledger (``api.year_totals``) and the registry (adapter ``fetch_totals``) and
report every difference: totals, counts, records missing in the registry, records
the registry holds that the ledger does not.  With ``requeue`` the missing records are
sent again (same idempotency keys, so nothing can double).
"""
import dataclasses
import logging
from decimal import Decimal

from django.utils.module_loading import import_string

from sync_adapter import outbox
from sync_adapter.adapters import get_adapter
from sync_adapter.adapters.base import PayloadError
from sync_adapter.conf import sync_config
from sync_adapter.delivery import identities_for
from sync_adapter.models import OutboxKind, OutboxRecord, OutboxStatus

log = logging.getLogger(__name__)

#: Learner-years asked per registry request.
QUERY_CHUNK = 100


@dataclasses.dataclass
class Difference:
    """One learner-year where the registry and the ledger disagree."""

    user_id: int
    year: int | None
    ledger_hours: Decimal
    registry_hours: Decimal
    ledger_credits: Decimal
    registry_credits: Decimal
    ledger_count: int
    registry_count: int
    missing: tuple = ()       # ledger entry uuids the registry does not hold
    unexpected: tuple = ()    # registry record ids the ledger does not know
    in_flight: tuple = ()     # of the missing: still pending in the outbox (not a fault yet)
    dead: tuple = ()          # of the missing: dead letters (replay them)
    requeued: int = 0
    error: str = ""

    def as_dict(self):
        data = dataclasses.asdict(self)
        for name in ("ledger_hours", "registry_hours", "ledger_credits", "registry_credits"):
            data[name] = str(data[name])
        for name in ("missing", "unexpected", "in_flight", "dead"):
            data[name] = list(data[name])
        return data


@dataclasses.dataclass
class ReconcileReport:
    checked: int = 0
    differences: list = dataclasses.field(default_factory=list)
    requeued: int = 0
    enqueued: int = 0

    @property
    def clean(self):
        return not self.differences

    @property
    def requeue_total(self):
        return self.requeued + self.enqueued


def learner_years(*, year=None, user_ids=None):
    """The (user_id, academic_year) pairs to check, from the outbox."""
    rows = OutboxRecord.objects.exclude(academic_year__isnull=True)
    if year is not None:
        rows = rows.filter(academic_year=year)
    if user_ids:
        rows = rows.filter(user_id__in=list(user_ids))
    return list(rows.values_list("user_id", "academic_year").distinct().order_by("user_id", "academic_year"))


@dataclasses.dataclass(frozen=True)
class PersonYearTotals:
    """The ledger totals of every account filed under one person, for one year."""

    hours: Decimal
    credits: Decimal
    entry_count: int
    entry_uuids: tuple = ()


def _person_totals(totals_of, user_ids, year):
    parts = [totals_of(user_id, year) for user_id in user_ids]
    return PersonYearTotals(
        hours=sum((Decimal(part.hours) for part in parts), Decimal(0)),
        credits=sum((Decimal(part.credits) for part in parts), Decimal(0)),
        entry_count=sum(part.entry_count for part in parts),
        entry_uuids=tuple(uuid for part in parts for uuid in (part.entry_uuids or ())))


def reconcile(*, year=None, user_ids=None, requeue=False, config=None, adapter=None):
    """
    Check every person-year; return a :class:`ReconcileReport`.

    The registry files by person (ID number), so accounts filed under one person (two
    accounts merged) are compared together: their ledgers added up against what the
    registry holds for that number.  After identity corrections, nothing may be left
    under an old number (unless a learner checked in this run holds it now).
    """
    config = config or sync_config()
    adapter = adapter or get_adapter(config)
    totals_of = import_string(config["YEAR_TOTALS_PROVIDER"])
    report = ReconcileReport()
    pairs = learner_years(year=year, user_ids=user_ids)
    identities, people = {}, {}
    users = sorted({user_id for user_id, _year in pairs})
    for start in range(0, len(users), QUERY_CHUNK):
        identities.update(identities_for(users[start:start + QUERY_CHUNK], config))
    for user_id, academic_year in pairs:
        identity = identities[user_id]
        if isinstance(identity, Exception):
            report.differences.append(_no_identity(user_id, academic_year, identity))
            continue
        people.setdefault((identity.id_number, academic_year), (identity, []))[1].append(user_id)
    items = list(people.items())
    for start in range(0, len(items), QUERY_CHUNK):
        chunk = items[start:start + QUERY_CHUNK]
        registry = adapter.fetch_totals([(identity, academic_year) for (_n, academic_year), (identity, _u) in chunk])
        for ((_number, academic_year), (_identity, users)), held in zip(chunk, registry):
            report.checked += 1
            diff = compare(_person_totals(totals_of, users, academic_year), held, users[0], academic_year)
            if diff is None:
                continue
            _explain_missing(diff)
            if requeue and diff.missing:
                requeued, enqueued = requeue_missing(diff, config)
                diff.requeued = requeued + enqueued
                report.requeued += requeued
                report.enqueued += enqueued
            report.differences.append(diff)
    _check_old_identities(report, adapter, config, identities, people)
    log.info("Reconciliation checked %s person-years, %s differ, %s re-queued",
             report.checked, len(report.differences), report.requeue_total)
    return report


def _check_old_identities(report, adapter, config, identities, people):
    """
    A difference for every record still filed under an ID number a delivered
    correction moved away from (issue 13: the registry held 7 of 12 hours under the
    old number for ever).  A transfer still in the outbox is in flight, not a fault.
    """
    user_ids = [user_id for user_id, identity in identities.items() if not isinstance(identity, Exception)]
    if not user_ids:
        return
    corrections = import_string(config["CORRECTIONS_PROVIDER"])(user_ids)
    in_use = {number for number, _year in people}
    delivered = set(OutboxRecord.objects.filter(
        kind=OutboxKind.TRANSFER, status=OutboxStatus.DELIVERED,
        entry_uuid__in=[f"transfer:{c.uuid}" for c in corrections]).values_list("entry_uuid", flat=True))
    years = sorted({year for _number, year in people})
    queries, owners = [], []
    for correction in corrections:
        if correction.old_id_number in in_use:
            continue
        old = dataclasses.replace(identities[correction.user_id], id_number=correction.old_id_number)
        for year in years:
            queries.append((old, year))
            owners.append((correction, year))
    zero = Decimal(0)
    for start in range(0, len(queries), QUERY_CHUNK):
        held_chunk = adapter.fetch_totals(queries[start:start + QUERY_CHUNK])
        for (correction, year), held in zip(owners[start:start + QUERY_CHUNK], held_chunk):
            if held is None or not held.record_count:
                continue
            pending = f"transfer:{correction.uuid}" not in delivered
            report.differences.append(Difference(
                correction.user_id, year, zero, held.hours, zero, held.credits, 0, held.record_count,
                unexpected=tuple(sorted(held.record_ids)),
                in_flight=(f"transfer:{correction.uuid}",) if pending else (),
                error="records_under_old_identity"))


def _no_identity(user_id, year, exc):
    zero = Decimal(0)
    kind = exc.detail if isinstance(exc, PayloadError) else type(exc).__name__
    return Difference(user_id, year, zero, zero, zero, zero, 0, 0, error=f"no_registry_identity:{kind}")


def compare(ledger, held, user_id, year):
    """A :class:`Difference`, or ``None`` when registry and ledger agree exactly."""
    zero = Decimal(0)
    reg_hours = held.hours if held else zero
    reg_credits = held.credits if held else zero
    reg_count = held.record_count if held else 0
    reg_ids = set(held.record_ids) if held else set()
    ledger_ids = set(ledger.entry_uuids or ())
    missing = tuple(sorted(ledger_ids - reg_ids))
    unexpected = tuple(sorted(reg_ids - ledger_ids)) if ledger_ids else ()
    if (Decimal(ledger.hours) == reg_hours and Decimal(ledger.credits) == reg_credits
            and ledger.entry_count == reg_count and not missing and not unexpected):
        return None
    return Difference(user_id, year, Decimal(ledger.hours), reg_hours, Decimal(ledger.credits), reg_credits,
                      ledger.entry_count, reg_count, missing=missing, unexpected=unexpected)


def _explain_missing(diff):
    rows = OutboxRecord.objects.filter(entry_uuid__in=list(diff.missing))
    diff.in_flight = tuple(sorted(r.entry_uuid for r in rows if r.status == OutboxStatus.PENDING))
    diff.dead = tuple(sorted(r.entry_uuid for r in rows if r.status == OutboxStatus.DEAD))


def requeue_missing(diff, config):
    """Re-queue delivered-but-missing rows; enqueue entries the outbox never saw."""
    rows = list(OutboxRecord.objects.filter(entry_uuid__in=list(diff.missing)))
    requeued = outbox.requeue(rows, reason="reconcile_missing")
    known = {row.entry_uuid for row in rows}
    unknown = [uuid for uuid in diff.missing if uuid not in known]
    enqueued = 0
    if unknown:
        get_entry = import_string(config["LEDGER_ENTRY_PROVIDER"])
        for uuid in unknown:
            entry = get_entry(uuid)
            if entry is None:
                log.warning("Reconciliation: ledger entry %s vanished before re-queue", uuid)
                continue
            outbox.enqueue(entry)
            enqueued += 1
    return requeued, enqueued
