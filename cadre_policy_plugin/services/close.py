"""
The year-end close: recompute many learners' year statuses as a job of chunks.

``create_job`` splits the learners of a node (or all) into user-id ranges of
``CLOSE_CHUNK_SIZE``; ``dispatch`` queues one Celery task per unfinished chunk;
``run_chunk`` (the task) claims a chunk and recomputes it set-based:

* the chunk's profiles locked in one ``SELECT ... FOR UPDATE`` (profile rows only, no
  join, so no unit row is locked), their units and every ancestor in one query each;
* the earlier years' results (the Art. 17 history) and the certificates in one query each;
* every effective ledger row of the chunk's years in one streaming query, ordered by
  learner, and the rules engine run in Python per learner;
* the statuses written with one bulk upsert, the certificates in bulk, and the chunk
  marked done in the same transaction.

A re-run of the command resumes the unfinished job of the same scope; a chunk whose
worker was killed is dispatched again when its lease runs out (ADR 0017).
"""
import functools
import itertools
import logging
import os
import socket
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

from cadre_policy_plugin import rules, signals
from cadre_policy_plugin.conf import cadre_setting
from cadre_policy_plugin.models import ChunkState, CloseChunk, CloseJob, LearnerProfile, LedgerEntry, OrgNode, YearStatus
from cadre_policy_plugin.policy import packs_for_nodes
from cadre_policy_plugin.services.evaluation import ENTRY_FIELDS, status_fields

log = logging.getLogger(__name__)

ROW_FIELDS = ("user_id", "uuid", "source", "earned_on", "category", "exam_passed", *ENTRY_FIELDS)
STATUS_UPDATE_FIELDS = ("policy_key", "unit_of_measure", "unit", "met", "total_needed", "total_earned",
                        "required_needed", "required_earned", "detail", "computed_at")


def scope_key(node, years, user_ids=()):
    """What a re-run must match to resume a job: the node, the years, the users."""
    key = f"{node.code if node else '*'}|{','.join(map(str, sorted(years)))}"
    if user_ids:
        key += "|" + ",".join(map(str, sorted(user_ids)))
    return key[:255]


def _learners(node, user_ids):
    profiles = LearnerProfile.objects.all()
    if node is not None:
        profiles = profiles.filter(unit_id__in=list(OrgNode.objects.subtree_of(node).values_list("pk", flat=True)))
    if user_ids:
        profiles = profiles.filter(user_id__in=list(user_ids))
    return profiles


def open_job(node, years, user_ids=()):
    """The newest unfinished job of this scope (a re-run resumes it), or ``None``."""
    return (CloseJob.objects.filter(scope_key=scope_key(node, years, user_ids), finished_at__isnull=True)
            .order_by("-id").first())


def create_job(*, node=None, years, user_ids=(), reason=CloseJob.Reason.COMMAND, requested_by=None,
               chunk_size=None):
    """A new job with its chunks (user-id ranges of at most ``chunk_size`` learners)."""
    years = sorted({int(year) for year in years})
    size = max(1, int(chunk_size or cadre_setting("CLOSE_CHUNK_SIZE")))
    with transaction.atomic():
        job = CloseJob.objects.create(scope_key=scope_key(node, years, user_ids), node=node, years=years,
                                      user_ids=sorted(user_ids), reason=reason, requested_by=requested_by)
        ids = _learners(node, user_ids).order_by("user_id").values_list("user_id", flat=True)
        chunks, total, batch = [], 0, []
        for user_id in ids.iterator(chunk_size=10000):
            batch.append(user_id)
            if len(batch) == size:
                chunks.append(CloseChunk(job=job, number=len(chunks) + 1, first_user_id=batch[0],
                                         last_user_id=batch[-1], learners=len(batch)))
                total += len(batch)
                batch = []
        if batch:
            chunks.append(CloseChunk(job=job, number=len(chunks) + 1, first_user_id=batch[0],
                                     last_user_id=batch[-1], learners=len(batch)))
            total += len(batch)
        CloseChunk.objects.bulk_create(chunks, batch_size=1000)
        job.total_learners, job.total_chunks = total, len(chunks)
        if not chunks:
            job.finished_at = timezone.now()
        job.save(update_fields=["total_learners", "total_chunks", "finished_at"])
    log.info("close job %s: %s learner(s) in %s chunk(s), years %s", job.pk, total, len(chunks), years)
    return job


def _lease():
    return timedelta(seconds=int(cadre_setting("CLOSE_CHUNK_LEASE_SECONDS")))


def dispatch(job, *, force=False, now=None):
    """
    Queue a task for every chunk that needs one; returns how many were queued.

    Pending chunks never queued (or, with ``force``, queued by an earlier run whose
    message may be lost), pending chunks queued longer than a lease ago, and running
    chunks whose lease ran out (their worker died).  A chunk queued twice is claimed
    once; the other task finds it done or leased and returns.
    """
    from cadre_policy_plugin import tasks

    now = now or timezone.now()
    stale = now - _lease()
    pending = Q(state=ChunkState.PENDING)
    if not force:
        pending &= Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale)
    due = list(job.chunks.filter(pending | Q(state=ChunkState.RUNNING, lease_until__lt=now))
               .order_by("number").values_list("pk", flat=True))
    if not due:
        return 0
    CloseChunk.objects.filter(pk__in=due).update(dispatched_at=now)
    queue = cadre_setting("CLOSE_TASK_QUEUE") or None
    for pk in due:
        tasks.close_chunk.apply_async((pk,), queue=queue)
    return len(due)


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(chunk_id, worker):
    """Take the chunk if it is pending or its lease ran out (one UPDATE); True when taken."""
    now = timezone.now()
    taken = (CloseChunk.objects.filter(pk=chunk_id)
             .filter(Q(state=ChunkState.PENDING) | Q(state=ChunkState.RUNNING, lease_until__lt=now))
             .update(state=ChunkState.RUNNING, claimed_by=worker[:255], lease_until=now + _lease(), started_at=now,
                     attempts=F("attempts") + 1))
    return taken == 1


def run_chunk(chunk_id, worker=None):
    """Claim and recompute one chunk; ``None`` when another worker has it or it is done."""
    worker = worker or worker_name()
    if not claim(chunk_id, worker):
        log.info("close chunk %s: already done or leased; nothing to do", chunk_id)
        return None
    chunk = CloseChunk.objects.select_related("job", "job__node").get(pk=chunk_id)
    with transaction.atomic():
        learners, skipped = recompute_chunk(chunk)
        CloseChunk.objects.filter(pk=chunk_id).update(state=ChunkState.DONE, finished_at=timezone.now(),
                                                      learners=learners, skipped=skipped, lease_until=None)
    if not CloseChunk.objects.filter(job_id=chunk.job_id).exclude(state=ChunkState.DONE).exists():
        CloseJob.objects.filter(pk=chunk.job_id, finished_at__isnull=True).update(finished_at=timezone.now())
    return learners


def _locked_profiles(chunk):
    """
    The chunk's profiles, their rows locked: only theirs.  The rows are found first
    without a lock, then locked by primary key.  A locking read through the
    ``(unit, status)`` index (what the optimiser picks for "learners of these units")
    would lock every profile row it scans, the whole of each unit, so two workers on
    chunks of one unit would take turns (measured: two workers no faster than one).
    """
    job = chunk.job
    ids = list(_learners(job.node, job.user_ids)
               .filter(user_id__gte=chunk.first_user_id, user_id__lte=chunk.last_user_id)
               .values_list("pk", flat=True))
    profiles = (LearnerProfile.objects.filter(pk__in=ids).order_by("user_id")
                .only("user_id", "unit_id", "rank", "registered_on", "real_name"))
    return list(profiles.select_for_update())


def _ledger_by_user(user_ids, years):
    """
    ``{user_id: (engine entries, oldest first)}`` of every effective row of ``years``:
    one query for the whole chunk.  On MariaDB/MySQL and PostgreSQL the rows come packed,
    one string per learner (``GROUP_CONCAT``/``string_agg``), so the driver decodes one
    row per learner instead of forty (row decoding was most of the cost); elsewhere
    (SQLite) one streamed ORM query.  Both give the engine the same entries.
    """
    first, last = date(min(years), 1, 1), date(max(years), 12, 31)
    if connection.vendor in PACKED_SQL:
        return _packed_ledger(user_ids, first, last)
    rows = (LedgerEntry.objects.effective()
            .filter(user_id__in=user_ids, earned_on__gte=first, earned_on__lte=last)
            .order_by("user_id", "earned_on", "id").values_list(*ROW_FIELDS))
    return {user_id: tuple(_entry_from_row(row) for row in group)
            for user_id, group in itertools.groupby(rows.iterator(chunk_size=5000), key=lambda row: row[0])}


def _entry_from_row(row):
    return rules.Entry(id=str(row[1]), source=row[2], on=row[3], category=row[4] or None, exam_passed=row[5],
                       **dict(zip(ENTRY_FIELDS, row[6:], strict=True)))


GROUP_CONCAT_MAX = 64 * 1024 * 1024
PACKED_COLUMNS = ("uuid", "source", "earned_on", "category", *ENTRY_FIELDS, "exam_passed")
_MYSQL_FIELD = "IFNULL({0}, '')"
# Reversed rows are left out with ``NOT IN`` over the chunk's few reversals (the database
# materialises that list once through the sparse ``reverses_id`` index) rather than a
# ``LEFT JOIN … IS NULL`` anti-join, which probed that index once per row: 121 → 80 ms
# of server time for 1000 learners × 40 rows on MariaDB.  ``reverses_id`` is never NULL
# in the list, so ``NOT IN`` means what it says.
_EFFECTIVE = ("l.user_id IN ({ids}) AND l.earned_on >= %s AND l.earned_on <= %s AND l.reverses_id IS NULL "
              "AND l.id NOT IN (SELECT r.reverses_id FROM {ledger} r WHERE r.user_id IN ({ids}) "
              "AND r.reverses_id IS NOT NULL)")
PACKED_SQL = {
    "mysql": ("SELECT l.user_id, GROUP_CONCAT(CONCAT_WS(',', {fields}) ORDER BY l.earned_on, l.id SEPARATOR ';') "
              f"FROM {{ledger}} l WHERE {_EFFECTIVE} GROUP BY l.user_id"),
    "postgresql": ("SELECT l.user_id, string_agg(concat_ws(',', {fields}), ';' ORDER BY l.earned_on, l.id) "
                   f"FROM {{ledger}} l WHERE {_EFFECTIVE} GROUP BY l.user_id"),
}


def _packed_fields(vendor):
    fields = []
    for name in PACKED_COLUMNS:
        column = f"l.{connection.ops.quote_name(name)}"
        if vendor == "postgresql":
            column = f"({column})::int::text" if name == "exam_passed" else f"({column})::text"
            fields.append(f"coalesce({column}, '')")
        else:
            fields.append(_MYSQL_FIELD.format(column))
    return ", ".join(fields)


def _dashed(value):
    """A uuid as ``str(uuid.UUID(...))`` spells it (MariaDB stores 32 hex digits)."""
    if len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return value


#: ``rules.Entry``'s fields in the order ``_packed_ledger`` passes them (a test compares).
PACKED_ENTRY_FIELDS = ("id", "source", "on", "category", "minutes", "hours", "credits", "half_days", "absent_hours",
                       "characters", "exam_passed")


@functools.lru_cache(maxsize=4096)
def _amount(text):
    """A quantity as the driver would give it (amounts repeat: parsed once per process)."""
    return Decimal(text) if text else None


def _packed_ledger(user_ids, first, last):
    vendor = connection.vendor
    sql = PACKED_SQL[vendor].format(fields=_packed_fields(vendor), ledger=LedgerEntry._meta.db_table,
                                    ids=", ".join(str(int(pk)) for pk in user_ids))
    result = {}
    Entry, amount, iso_day = rules.Entry, _amount, date.fromisoformat
    with connection.cursor() as cursor:
        if vendor == "mysql":
            # The packed strings outgrow the 1 KB default: raised for this statement only
            # (MariaDB's SET STATEMENT, MySQL 8's SET_VAR hint), no extra round trip.
            if connection.mysql_is_mariadb:
                sql = f"SET STATEMENT group_concat_max_len = {GROUP_CONCAT_MAX} FOR {sql}"
            else:
                sql = sql.replace("SELECT ", f"SELECT /*+ SET_VAR(group_concat_max_len = {GROUP_CONCAT_MAX}) */ ", 1)
        cursor.execute(sql, [first, last])
        for user_id, packed in cursor.fetchall():
            entries = []
            for item in packed.split(";"):
                uuid_, source, on, category, minutes, hours, credits, half_days, absent, characters, exam = \
                    item.split(",")
                # Positional, in ``rules.Entry``'s field order (a test holds it): twenty
                # thousand entries a chunk, and keywords cost a frozen dataclass a third more.
                entries.append(Entry(
                    _dashed(uuid_), source, iso_day(on), category or None, amount(minutes),
                    amount(hours), amount(credits), amount(half_days), amount(absent), amount(characters),
                    None if exam == "" else exam not in ("0", "f", "false")))
            result[user_id] = tuple(entries)
    return result


def _year_entries(entries, year):
    return tuple(entry for entry in entries if entry.on.year == year)


def recompute_chunk(chunk):
    """Recompute and write the chunk's statuses (caller holds the transaction): (learners, skipped)."""
    years = sorted(chunk.job.years)
    profiles = _locked_profiles(chunk)
    if not profiles:
        return 0, 0
    user_ids = [profile.user_id for profile in profiles]
    units = OrgNode.objects.in_bulk({profile.unit_id for profile in profiles})
    for profile in profiles:
        profile.unit = units[profile.unit_id]
    packs = {year: packs_for_nodes(units.values(), year) for year in years}
    history = {}
    for user_id, year, met in YearStatus.objects.filter(user_id__in=user_ids, year__lt=years[-1]).values_list(
            "user_id", "year", "met"):
        history.setdefault(user_id, {})[year] = met
    previous = {(user_id, year): met for user_id, year, met in YearStatus.objects.filter(
        user_id__in=user_ids, year__in=years).values_list("user_id", "year", "met")}
    ledger = _ledger_by_user(user_ids, years)
    rows, certified, skipped_users = [], [], set()
    single_year = len(years) == 1
    for profile in profiles:
        learner = rules.Learner(rank=profile.rank, registered_on=profile.registered_on)
        own_history = history.setdefault(profile.user_id, {})
        own_rows = ledger.get(profile.user_id, ())
        for year in years:
            pack = packs[year][profile.unit_id]
            if pack is None:
                skipped_users.add(profile.user_id)
                continue
            try:
                status = rules.evaluate(pack, rules.YearInput(
                    year=year, learner=learner, entries=own_rows if single_year else _year_entries(own_rows, year),
                    history={y: met for y, met in own_history.items() if y < year}))
            except rules.RulesError as exc:
                # One learner the rules refuse (a rank the pack does not know, say) must not
                # fail the chunk forever: their status is left as it was, and counted skipped.
                log.warning("close chunk %s: year %s of user %s not recomputed: %s", chunk.pk, year,
                            profile.user_id, type(exc).__name__)
                skipped_users.add(profile.user_id)
                continue
            own_history[year] = status.met
            row = YearStatus(user_id=profile.user_id, year=year, unit_id=profile.unit_id,
                             **status_fields(pack, status))
            rows.append(row)
            certified.append((profile, pack, row))
    _upsert(rows)
    if cadre_setting("ANNUAL_CERTIFICATE"):
        from cadre_policy_plugin.services import annual

        annual.sync_certificates(certified)
    for row in rows:
        signals.year_status_recomputed.send(sender=YearStatus, user_id=row.user_id, year=row.year, met=row.met,
                                            previously_met=previous.get((row.user_id, row.year)),
                                            policy_key=row.policy_key)
    return len(profiles), len(skipped_users)


def _upsert(rows):
    if not rows:
        return
    options = {"update_conflicts": True, "update_fields": STATUS_UPDATE_FIELDS, "batch_size": 250}
    if connection.features.supports_update_conflicts_with_target:
        options["unique_fields"] = ("user", "year")
    YearStatus.objects.bulk_create(rows, **options)


@dataclass(frozen=True)
class CloseProgress:
    """Where a close job stands (the command, the status API and the console show it)."""

    job_id: int
    scope: str
    years: tuple
    reason: str
    learners_total: int
    learners_done: int
    chunks_total: int
    chunks_done: int
    chunks_running: int
    skipped: int
    started_at: object
    finished_at: object
    rate: float | None
    eta_seconds: float | None

    @property
    def finished(self):
        return self.finished_at is not None

    def as_dict(self):
        return {**asdict(self), "years": list(self.years), "finished": self.finished}


def progress(job, now=None):
    """Done/total, the rate since the first chunk started (learners/s) and the ETA."""
    now = now or timezone.now()
    agg = job.chunks.aggregate(
        done=Sum("learners", filter=Q(state=ChunkState.DONE)), chunks_done=Count("id", filter=Q(state=ChunkState.DONE)),
        running=Count("id", filter=Q(state=ChunkState.RUNNING)), skipped=Sum("skipped"),
        first=Min("started_at"), last=Max("finished_at"))
    done = agg["done"] or 0
    end = job.finished_at or now
    rate = eta = None
    if agg["first"] and done:
        elapsed = max((min(end, agg["last"] or end) - agg["first"]).total_seconds(), 1e-3)
        rate = done / elapsed
        eta = max(0, job.total_learners - done) / rate if not job.finished_at else 0.0
    return CloseProgress(job_id=job.pk, scope=job.scope_key, years=tuple(job.years), reason=job.reason,
                         learners_total=job.total_learners, learners_done=done, chunks_total=job.total_chunks,
                         chunks_done=agg["chunks_done"], chunks_running=agg["running"], skipped=agg["skipped"] or 0,
                         started_at=agg["first"], finished_at=job.finished_at, rate=rate, eta_seconds=eta)


def run_inline(job, on_chunk=None):
    """Run every unfinished chunk in this process (no workers), oldest first."""
    for pk in list(job.chunks.exclude(state=ChunkState.DONE).order_by("number").values_list("pk", flat=True)):
        run_chunk(pk)
        if on_chunk:
            job.refresh_from_db()
            on_chunk(progress(job))
    job.refresh_from_db()
    return progress(job)


def wait(job, *, poll=2.0, on_progress=None, timeout=None):
    """Poll until the job is done, re-dispatching chunks whose worker died; returns the progress."""
    deadline = time.monotonic() + timeout if timeout else None
    while True:
        job.refresh_from_db()
        state = progress(job)
        if on_progress:
            on_progress(state)
        if state.finished:
            return state
        if deadline and time.monotonic() > deadline:
            return state
        dispatch(job)
        time.sleep(poll)


def eager():
    """Celery runs tasks in the caller (tests, the sandbox): dispatch already ran everything."""
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))
