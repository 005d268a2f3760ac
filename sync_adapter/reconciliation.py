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
from sync_adapter.models import OutboxRecord, OutboxStatus

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


def learner_years(*, year=None, user_ids=None):
    """The (user_id, academic_year) pairs to check, from the outbox."""
    rows = OutboxRecord.objects.exclude(academic_year__isnull=True)
    if year is not None:
        rows = rows.filter(academic_year=year)
    if user_ids:
        rows = rows.filter(user_id__in=list(user_ids))
    return list(rows.values_list("user_id", "academic_year").distinct().order_by("user_id", "academic_year"))


def reconcile(*, year=None, user_ids=None, requeue=False, config=None, adapter=None):
    """Check every learner-year; return a :class:`ReconcileReport`."""
    config = config or sync_config()
    adapter = adapter or get_adapter(config)
    totals_of = import_string(config["YEAR_TOTALS_PROVIDER"])
    report = ReconcileReport()
    pairs = learner_years(year=year, user_ids=user_ids)
    for start in range(0, len(pairs), QUERY_CHUNK):
        chunk = pairs[start:start + QUERY_CHUNK]
        queries, ok_pairs = [], []
        identities = identities_for([user_id for user_id, _year in chunk], config)
        for user_id, academic_year in chunk:
            identity = identities[user_id]
            if isinstance(identity, Exception):
                report.differences.append(_no_identity(user_id, academic_year, identity))
                continue
            queries.append((identity, academic_year))
            ok_pairs.append((user_id, academic_year))
        registry = adapter.fetch_totals(queries) if queries else []
        for (user_id, academic_year), held in zip(ok_pairs, registry):
            report.checked += 1
            diff = compare(totals_of(user_id, academic_year), held, user_id, academic_year)
            if diff is None:
                continue
            _explain_missing(diff)
            if requeue and diff.missing:
                requeued, enqueued = requeue_missing(diff, config)
                diff.requeued = requeued + enqueued
                report.requeued += requeued
                report.enqueued += enqueued
            report.differences.append(diff)
    log.info("Reconciliation checked %s learner-years, %s differ, %s re-queued",
             report.checked, len(report.differences), report.requeued + report.enqueued)
    return report


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
