"""
The thin storage layer around :mod:`verification`: tokens, row locks, writes.

Each public function is one database transaction that (1) checks the signed session
token, (2) locks the learner's :class:`~.models.LearnerClock` row, (3) hands the rows
to the pure verification module and (4) writes back what it returned.  The learner's
row lock serialises all requests of one learner, which is what makes "one live
session across blocks and devices" and strictly increasing sequence numbers hold
with several LMS workers and two devices racing (ADR 0021).

The hot path (a heartbeat of the live session) costs one locking SELECT (clock, live
session and block progress joined) and two single-row UPDATEs (session, progress),
three under a daily cap (the learner's daily total).
"""
from __future__ import annotations

import functools
import logging
import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core import signing
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from . import protocol
from . import verification as v
from .conf import credits_setting
from .models import AttentionCheck, BlockProgress, LearnerClock, LearningSession
from .state import progress_from_row, progress_to_row, session_from_row, session_to_row

log = logging.getLogger(__name__)

TOKEN_SALT = "cadre_credits.session"
FORGED = "forged"
EXPIRED_TOKEN = "token_expired"
UNKNOWN_SESSION = "unknown_session"


@dataclass(frozen=True)
class BlockSpec:
    """What the block knows about itself (its fields), handed to every call."""

    course_key: object
    usage_key: object
    duration: Decimal
    kind: str = v.KIND_VIDEO
    checks_required: int = 0
    required_share: Decimal = Decimal("0.95")
    questions: tuple[v.Question, ...] = ()


@dataclass(frozen=True)
class Client:
    """
    Where a session's requests come from: personal data (ADR 0022).  Kept on the
    session row for the shared-device review, blanked after
    ``CLIENT_DATA_RETENTION_DAYS``, never written to a log.
    """

    address: str | None = None
    user_agent: str = ""


@dataclass(frozen=True)
class Outcome:
    """
    What a handler needs to answer the browser.

    ``refusal`` is set when the request never reached the rules (bad token); then
    ``result`` is None.  ``newly_completed`` is true exactly once per learner and
    block: on the request that made the block complete.
    """

    result: v.Result | None
    progress: BlockProgress | None
    rules: v.Rules | None = None
    token: str | None = None
    refusal: str | None = None
    newly_completed: bool = False
    now: object = None
    extra: dict = field(default_factory=dict)
    session: LearningSession | None = None
    settled: AttentionCheck | None = None

    @property
    def accepted(self) -> bool:
        return self.result is not None and self.result.accepted


class TokenRefused(Exception):
    """The token is not ours, not this learner's or this block's, or too old."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


# ------------------------------------------------------------------------- tokens


def issue_token(session: LearningSession) -> str:
    """A token naming the session, its learner and block, signed with SECRET_KEY (HMAC)."""
    payload = {"s": session.token_id, "u": session.user_id, "b": str(session.usage_key)}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=False)


def read_token(token, *, user, usage_key) -> str:
    """The session's token id, or :class:`TokenRefused` (logged, never the token itself)."""
    try:
        payload = signing.loads(str(token), salt=TOKEN_SALT, max_age=credits_setting("TOKEN_MAX_AGE_SECONDS"))
    except signing.SignatureExpired as exc:
        raise TokenRefused(EXPIRED_TOKEN) from exc
    except signing.BadSignature as exc:
        log.warning("Refused a request with a forged session token: user %s, block %s", user.id, usage_key)
        raise TokenRefused(FORGED) from exc
    if payload.get("u") != user.id or payload.get("b") != str(usage_key):
        log.warning("Refused a token issued to another learner or block: user %s, block %s", user.id, usage_key)
        raise TokenRefused(FORGED)
    return payload["s"]


# -------------------------------------------------------------------------- start


def start_session(user, spec: BlockSpec, *, now, position=None, learning=None, client: Client | None = None) -> Outcome:
    """
    Open a live session for ``user`` in this block, superseding any other one.

    ``learning`` is ``(max_playback_rate, daily_cap_seconds)`` from the policy pack;
    it is frozen into the session so heartbeats need not ask the plugin again.
    """
    rate, cap = learning or (Decimal(credits_setting("FALLBACK_MAX_PLAYBACK_RATE")), None)
    with transaction.atomic():
        clock = _locked_clock(user)
        progress_row = _progress_row(user, spec)
        if clock.session_id is not None:
            LearningSession.objects.filter(pk=clock.session_id, status=LearningSession.LIVE).update(
                status=LearningSession.SUPERSEDED, ended=now
            )
            log.info("Session %s of user %s superseded by a new session", clock.session_id, user.id)
        rules = rules_for(spec, rate, cap)
        seed = secrets.randbits(62)
        result = v.start(progress_from_row(progress_row), rules, seed=seed, now=now, position=position)
        client = client or Client()
        session = LearningSession(
            token_id=secrets.token_hex(16), user=user, progress=progress_row,
            course_key=spec.course_key, usage_key=spec.usage_key,
            started=now, last_seen=now, voided_seconds=result.voided,
            state={"rate": str(rate), "cap": None if cap is None else str(cap)},
            client_address=client.address or None, user_agent=(client.user_agent or "")[:512],
        )
        session_to_row(result.session, session)
        session.save()
        before = progress_from_row(progress_row)
        progress_to_row(result.progress, progress_row)
        progress_row.save()
        settled = _record_checks(progress_row, session, before, result, now)
        clock.session = session
        if cap is not None:
            _apply_daily(clock, result.daily, now)
        clock.save()
        newly = _settle_completion(progress_row, result, rules, now)
    return Outcome(result, progress_row, rules, issue_token(session), newly_completed=newly, now=now,
                   session=session, settled=settled)


def _locked_clock(user) -> LearnerClock:
    """Lock the learner's row, creating it on first use (race-safe on every backend)."""
    clock = LearnerClock.objects.select_for_update().filter(user=user).first()
    if clock is None:
        try:
            with transaction.atomic():
                LearnerClock.objects.create(user=user)
        except IntegrityError:
            pass  # another request created it first; the locking read below sees it
        clock = LearnerClock.objects.select_for_update().get(user=user)
    return clock


def _progress_row(user, spec: BlockSpec) -> BlockProgress:
    row = BlockProgress.objects.filter(user=user, usage_key=spec.usage_key).first()
    if row is None:
        row = BlockProgress.objects.create(user=user, usage_key=spec.usage_key, course_key=spec.course_key)
    return row


def rules_for(spec: BlockSpec, rate: Decimal, cap: Decimal | None) -> v.Rules:
    """The verification rules for one block and learner (settings + pack + block)."""
    return v.Rules(
        duration=v.secs(spec.duration),
        kind=spec.kind,
        max_playback_rate=Decimal(rate),
        max_interval=Decimal(credits_setting("MAX_INTERVAL_SECONDS")),
        idle_limit=Decimal(credits_setting("IDLE_LIMIT_SECONDS")),
        position_slack=Decimal(credits_setting("POSITION_SLACK_SECONDS")),
        checks_required=int(spec.checks_required),
        check_window=Decimal(credits_setting("CHECK_WINDOW_SECONDS")),
        required_share=Decimal(spec.required_share),
        daily_cap=cap,
        questions=tuple(spec.questions),
    )


# ------------------------------------------------------------- heartbeat / answer


def record_heartbeat(user, spec: BlockSpec, token, beat: v.Heartbeat, *, now) -> Outcome:
    """Credit one heartbeat (or refuse it, logged)."""
    return _with_live_session(user, spec, token, now, lambda progress, session, rules, today, credited: v.heartbeat(
        progress, session, beat, rules, now=now, today=today, credited_today=credited), seq=beat.seq)


def record_answer(user, spec: BlockSpec, token, *, seq, check_id, answer, now) -> Outcome:
    """Settle the pending attention check with the learner's answer (a choice id, or several)."""
    return _with_live_session(user, spec, token, now, lambda progress, session, rules, today, credited: v.answer_check(
        progress, session, seq=seq, check_id=check_id, answer=answer, rules=rules, now=now), seq=seq, answer=answer)


_KEY_FIELDS = ("session__course_key", "session__usage_key", "session__progress__course_key",
               "session__progress__usage_key")


def _with_live_session(user, spec, token, now, decide, *, seq, answer=None) -> Outcome:
    try:
        token_id = read_token(token, user=user, usage_key=spec.usage_key)
    except TokenRefused as refused:
        return Outcome(None, None, refusal=refused.reason, now=now)
    today = timezone.localdate(now)
    with transaction.atomic():
        # At most one row (the clock's primary key is the user): no ORDER BY to compile.
        # The rows' block keys are the spec's (the token is bound to this block, the
        # session to its progress): taken from it instead of parsed from the row.
        clock = next(iter(
            LearnerClock.objects.select_for_update()
            .select_related("session__progress")
            .defer(*_KEY_FIELDS)
            .filter(user_id=user.id, session__token_id=token_id)[:1]
        ), None)
        if clock is None:
            return _refuse_not_live(user, spec, token_id, now, decide, seq=seq)
        session_row = clock.session
        progress_row = session_row.progress
        for row in (session_row, progress_row):
            row.course_key, row.usage_key = spec.course_key, spec.usage_key
        protocol.check_seq(seq, session_row.last_seq)  # a 400 before anything is written
        rules = _session_rules(spec, session_row)
        credited_today = clock.day_seconds if clock.day == today else Decimal(0)
        result = decide(progress_from_row(progress_row), session_from_row(session_row, live=True),
                        rules, today, credited_today)
        if not result.accepted:
            log.warning("Refused request seq %s of session %s (user %s, block %s): %s",
                        seq, token_id, user.id, spec.usage_key, ",".join(result.reasons))
            LearningSession.objects.filter(pk=session_row.pk).update(refused_requests=session_row.refused_requests + 1)
            return Outcome(result, progress_row, rules, now=now)
        before = progress_from_row(progress_row)
        _save_session(session_row, result)
        _save_progress(progress_row, result)
        if result.daily and rules.daily_cap is not None:
            _apply_daily(clock, result.daily, now)
            _write(clock, ("day", "day_seconds"))
        settled = _record_checks(progress_row, session_row, before, result, now, answer=answer)
        newly = _settle_completion(progress_row, result, rules, now)
    return Outcome(result, progress_row, rules, newly_completed=newly, now=now, session=session_row,
                   settled=settled)


def _refuse_not_live(user, spec, token_id, now, decide, *, seq) -> Outcome:
    """A valid token whose session is no longer live: superseded (or unknown)."""
    row = LearningSession.objects.select_related("progress").filter(token_id=token_id, user_id=user.id).first()
    if row is None:
        log.warning("Refused a token for an unknown session: user %s, block %s", user.id, spec.usage_key)
        return Outcome(None, None, refusal=UNKNOWN_SESSION, now=now)
    protocol.check_seq(seq, row.last_seq)
    rules = _session_rules(spec, row)
    result = decide(progress_from_row(row.progress), session_from_row(row, live=False), rules,
                    timezone.localdate(now), Decimal(0))
    log.warning("Refused a request of superseded session %s (user %s, block %s)", token_id, user.id, spec.usage_key)
    LearningSession.objects.filter(pk=row.pk).update(refused_requests=row.refused_requests + 1)
    return Outcome(result, row.progress, rules, now=now)


def _record_checks(progress_row, session_row, before: v.Progress, result: v.Result, now, *, answer=None):
    """
    Keep the evidence of the checks this request settled and issued (AttentionCheck rows).

    Returns the row of the check this request settled (passed, wrong or expired), or
    None.  Costs nothing on a plain heartbeat: it writes only when a check changed.
    """
    settled = None
    outcome = _outcome(result.reasons)
    if before.pending is not None and outcome is not None:
        settled = AttentionCheck.objects.filter(progress=progress_row, check_id=before.pending.check_id).first()
        if settled is None:  # a check pending since before the rows existed
            settled = _new_check_row(progress_row, session_row, before.pending)
        settled.outcome = outcome
        if outcome != AttentionCheck.EXPIRED or answer is not None:
            settled.answered_at = now
            settled.answer = list(v.answer_ids(answer)) if answer is not None else []
            settled.response_ms = max(0, int((now - before.pending.issued_at).total_seconds() * 1000))
        settled.save()
    if result.check is not None and v.CHECK_ISSUED in result.reasons:
        _new_check_row(progress_row, session_row, result.check).save()
    return settled


def _outcome(reasons):
    if v.CHECK_PASSED in reasons:
        return AttentionCheck.PASSED
    if v.CHECK_WRONG in reasons:
        return AttentionCheck.WRONG
    if v.CHECK_EXPIRED in reasons:
        return AttentionCheck.EXPIRED
    return None


def _new_check_row(progress_row, session_row, check: v.Check) -> AttentionCheck:
    return AttentionCheck(
        session=session_row, user_id=progress_row.user_id, progress=progress_row, check_id=check.check_id,
        kind=check.kind, question_id=check.question_id, text=check.text,
        choices=[[choice.id, choice.text] for choice in check.choices], correct=list(check.answer),
        position=check.position, issued_at=check.issued_at, deadline=check.deadline,
    )


def _session_rules(spec, session_row) -> v.Rules:
    state = session_row.state or {}
    cap = state.get("cap")
    return rules_for(spec, Decimal(state.get("rate", "1.0")), None if cap is None else Decimal(cap))


# The hot path writes its rows with one plain ``UPDATE ... WHERE pk = %s`` each, the
# statement text built once per model and columns (``_write``): ``Model.save`` and
# ``QuerySet.update`` compile the same statement anew on every heartbeat, which cost
# about a fifth of a heartbeat (issue 14: a heartbeat, with a daily cap too, no
# costlier than the LMS's own per-event completion write).  The values go through
# each field's ``get_db_prep_save``, as the ORM would send them; nothing listens to
# these models' save signals.

@functools.lru_cache(maxsize=64)
def _update_sql(model, names, alias):
    quote = connections[alias].ops.quote_name
    columns = [model._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    return (f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s",
            tuple(columns))


def _write(row, names):
    """Write the attributes ``names`` of ``row`` (saved before) in one UPDATE."""
    alias = router.db_for_write(type(row))
    connection = connections[alias]
    sql, columns = _update_sql(type(row), tuple(names), alias)
    params = [column.get_db_prep_save(getattr(row, column.attname), connection=connection) for column in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, row.pk])


def _save_session(row: LearningSession, result: v.Result) -> None:
    session_to_row(result.session, row)
    row.credited_seconds += result.credited
    row.voided_seconds += result.voided
    _write(row, ("last_seq", "last_seen", "state", "credited_seconds", "voided_seconds"))


def _save_progress(row: BlockProgress, result: v.Result) -> None:
    before = (row.verified_seconds, row.checks_passed, row.state)
    progress_to_row(result.progress, row)
    if (row.verified_seconds, row.checks_passed, row.state) != before:
        row.modified = timezone.now()
        _write(row, ("verified_seconds", "checks_passed", "state", "modified"))


def _apply_daily(clock: LearnerClock, deltas, now) -> None:
    """
    Add today's delta to the learner's daily total (other days no longer matter).

    Only sessions under a daily cap keep the total: for the others it would be one
    more row written per heartbeat for a number nobody reads.  The cost: when a
    learner's policy gains a cap during a day, time earned earlier that day is not in
    the total (ADR 0021).
    """
    today = timezone.localdate(now)
    if clock.day != today:
        clock.day, clock.day_seconds = today, Decimal(0)
    for day, amount in deltas:
        if isinstance(day, date) and day == today:
            clock.day_seconds = max(Decimal(0), clock.day_seconds + amount)


def _settle_completion(row: BlockProgress, result: v.Result, rules: v.Rules, now) -> bool:
    if row.completed is None and v.is_complete(result.progress, rules):
        row.completed = now
        row.save(update_fields=["completed", "modified"])
        log.info("Block %s verified complete for user %s", row.usage_key, row.user_id)
        return True
    return False


# ---------------------------------------------------------------------- reading


def progress_for(user, usage_key) -> BlockProgress | None:
    """The learner's progress row for a block (read-only use: the learner's view)."""
    return BlockProgress.objects.filter(user=user, usage_key=usage_key).first()


def pending_check(user_id, usage_key) -> v.Check | None:
    """The learner's pending check in a block, as the server keeps it (answer included: server only)."""
    row = BlockProgress.objects.filter(user_id=user_id, usage_key=usage_key).first()
    return progress_from_row(row).pending if row is not None else None


def evidence_sessions(row: BlockProgress) -> list[str]:
    """Token ids of the sessions that earned this block's time: the award's evidence."""
    return list(row.sessions.filter(credited_seconds__gt=0).order_by("started").values_list("token_id", flat=True))


def mark_reported(row: BlockProgress, now) -> None:
    """Remember that the policy plugin was told (so it is told again only if it failed)."""
    BlockProgress.objects.filter(pk=row.pk).update(reported=now)
    row.reported = now
