"""
Server-side verification of learning time: how many seconds a heartbeat earns.

This module is PURE (no Django, no XBlock): the handler parses a request, loads the
learner's state, calls :func:`start`, :func:`heartbeat` or :func:`answer_check` with a
clock reading it controls, and stores what comes back.  Keeping the arithmetic here
means every anti-cheating rule is a table-driven test with exact numbers, and the
browser is never believed about how much time passed (Anhui Art. 13: no hang-up
learning, no cheat plug-ins).

The rules, in the order a heartbeat meets them:

1. Only the learner's one live session earns (a newer session supersedes the older).
2. Sequence numbers strictly increase: a replayed or reordered request is refused.
3. A pending attention check whose window has passed fails: the time credited since
   the previous passed check is voided and the frontier rolls back.
4. While a check is pending nothing is credited.
5. Wall-clock time since the previous accepted request, measured by the server, is
   the only time that can be credited: capped at ``max_interval``, zero for an
   interval in which the page was hidden, cut where the idle limit ran out.
6. Media may advance at most ``max_playback_rate`` x attended wall time, and only
   newly covered media contiguous with the verified frontier counts: seeking past
   the frontier earns nothing for the skipped part.
7. An optional daily cap bounds what a learner is credited per day.
8. The frontier stops at the next planned check, which is then issued: one of the
   author's content questions the learner has reached, or without one a picture
   check; the browser gets texts and shuffled choices under opaque ids, never which
   is right (:func:`_issue_check`).

Amounts are ``Decimal`` seconds with millisecond precision, never floats.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

MS = Decimal("0.001")
ZERO = Decimal("0.000")

# Reasons returned with a result.  They are stable codes: the block translates them
# into sentences the learner reads, and the JS client switches on them.
REFUSED_SUPERSEDED = "superseded"
REFUSED_REPLAYED = "replayed"
REFUSED_NO_CHECK = "no_check"
HIDDEN = "hidden"
IDLE = "idle"
GAP_CAPPED = "gap_capped"
RATE_TOO_HIGH = "rate_too_high"
TOO_FAST = "too_fast"
AHEAD_OF_FRONTIER = "ahead_of_frontier"
PAUSED = "paused"
CHECK_PENDING = "check_pending"
CHECK_ISSUED = "check_issued"
CHECK_PASSED = "check_passed"
CHECK_WRONG = "check_wrong"
CHECK_EXPIRED = "check_expired"
DAILY_CAP = "daily_cap"
MEDIA_COMPLETE = "media_complete"

KIND_VIDEO = "video"
KIND_READING = "reading"

# The two kinds of attention check.  A *question* is one of the author's questions
# about the lecture (随堂弹题); a *picture* is the fallback of a block without a pool:
# a number the server draws as a noisy image, never written in any JSON.
CHECK_QUESTION = "question"
CHECK_PICTURE = "picture"
PICTURE_CHOICES = 4


def secs(value) -> Decimal:
    """Seconds as a Decimal with millisecond precision (rounded down, never up)."""
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(MS, rounding=ROUND_DOWN)


def wall_seconds(earlier: datetime, later: datetime) -> Decimal:
    """Exact seconds between two server clock readings (negative clamps to zero)."""
    delta = later - earlier
    micro = delta // timedelta(microseconds=1)
    return max(ZERO, secs(Decimal(micro) / Decimal(1_000_000)))


@dataclass(frozen=True)
class Rules:
    """
    Everything that decides crediting for one block and one learner.

    ``duration`` is the media length (or the minimum reading time for a reading).
    ``max_playback_rate`` and ``daily_cap`` come from the learner's policy pack
    (``api.learning_rules_for``); the rest from the block and the app settings.
    """

    duration: Decimal
    kind: str = KIND_VIDEO
    max_playback_rate: Decimal = Decimal("1.0")
    max_interval: Decimal = Decimal(30)
    idle_limit: Decimal = Decimal(600)
    position_slack: Decimal = Decimal(5)
    checks_required: int = 0
    check_window: Decimal = Decimal(60)
    required_share: Decimal = Decimal("0.95")
    daily_cap: Decimal | None = None
    questions: tuple[Question, ...] = ()

    @property
    def required_seconds(self) -> Decimal:
        """Verified media needed for completion (share x duration, rounded up to ms)."""
        needed = self.required_share * self.duration
        return needed.quantize(MS, rounding=ROUND_CEILING)


@dataclass(frozen=True)
class Question:
    """
    One question of the author's pool (随堂弹题), as the block's settings keep it.

    ``correct`` holds indices into ``choices``; a single-choice question has exactly
    one.  ``at`` (seconds, optional) is the point of the lecture the question is
    about: it is asked only once the verified frontier has passed that point.
    """

    qid: str
    text: str
    choices: tuple[str, ...]
    correct: tuple[int, ...]
    multiple: bool = False
    at: Decimal | None = None


@dataclass(frozen=True)
class Choice:
    """A choice as the browser sees it: an opaque id, drawn per check, and its text."""

    id: str
    text: str


@dataclass(frozen=True)
class Check:
    """
    One attention check as the server keeps it.  The browser gets ``check_id``,
    ``kind``, ``text``, ``multiple`` and ``choices`` (ids and texts, shuffled), never
    ``answer`` (the ids of the right choices) nor ``secret`` (the number a picture
    check draws).  A script reading the JSON thus learns nothing that tells the right
    choice from the others: it passes by chance only (1 in ``len(choices)`` for a
    single choice).
    """

    check_id: str
    position: Decimal
    issued_at: datetime
    deadline: datetime
    kind: str
    text: str
    choices: tuple[Choice, ...]
    answer: tuple[str, ...]
    multiple: bool = False
    question_id: str = ""
    secret: str = ""


@dataclass(frozen=True)
class Progress:
    """
    A learner's verified state in one block, kept across sessions and devices.

    ``frontier`` is the end of the contiguous verified media prefix, so it is also
    the block's verified seconds.  ``asked`` lists the pool questions already asked
    in this block, so a question comes back only once the pool is used up.  ``provisional`` holds the seconds credited since
    ``checkpoint`` (the frontier at the last passed check) by day, because a failed
    check voids exactly them and the daily totals they were added to.
    """

    frontier: Decimal = ZERO
    checkpoint: Decimal = ZERO
    provisional: tuple[tuple[date, Decimal], ...] = ()
    checks_passed: int = 0
    planned: tuple[Decimal, ...] = ()
    pending: Check | None = None
    asked: tuple[str, ...] = ()

    @property
    def verified_seconds(self) -> Decimal:
        return self.frontier

    @property
    def provisional_seconds(self) -> Decimal:
        return sum((amount for _day, amount in self.provisional), ZERO)


@dataclass(frozen=True)
class Session:
    """
    One live viewing of one block on one device.

    ``seed`` is the server's secret randomness for this session (check positions and
    challenges); it never leaves the server.  ``issued`` counts checks issued, so
    every challenge draws fresh numbers from the seed.
    """

    seed: int
    seq: int = 0
    last_seen: datetime | None = None
    position: Decimal = ZERO
    live: bool = True
    issued: int = 0


@dataclass(frozen=True)
class Heartbeat:
    """
    What the browser reports.  Everything here is a claim; only ``seq`` ordering is
    enforced strictly, the rest is bounded by the server clock.

    ``visible``: the page stayed visible for the whole interval this heartbeat
    closes (the client sends a heartbeat at every visibility change).
    ``idle_seconds``: seconds since the learner's last keyboard/pointer input.
    """

    seq: int
    position: Decimal
    rate: Decimal = Decimal(1)
    visible: bool = True
    focused: bool = True
    idle_seconds: Decimal = ZERO


@dataclass(frozen=True)
class Result:
    """
    The outcome of one request.  ``daily`` maps days to deltas of the learner's daily
    credited total (negative when a failed check voids earlier credit).
    """

    accepted: bool
    credited: Decimal
    progress: Progress
    session: Session
    reasons: tuple[str, ...] = ()
    voided: Decimal = ZERO
    daily: tuple[tuple[date, Decimal], ...] = ()
    check: Check | None = None

    def is_complete(self, rules: Rules) -> bool:
        return is_complete(self.progress, rules)


def is_complete(progress: Progress, rules: Rules) -> bool:
    """
    Verified time reached the required share and every check was passed.  A block
    without a duration (not set up by its author) is never complete.
    """
    return (
        rules.duration > ZERO
        and progress.frontier >= rules.required_seconds
        and progress.checks_passed >= rules.checks_required
        and progress.pending is None
    )


# --------------------------------------------------------------------------- start


def start(progress: Progress, rules: Rules, *, seed: int, now: datetime, position=None) -> Result:
    """
    Open a session: settle an expired check, plan the remaining checks.

    Checks are planned per session from its seed: one random position in each of
    ``remaining`` equal slices of the media still to verify, so they are spread out
    and cannot be predicted from an earlier session.  ``position`` anchors the first
    interval (the player's position when the session opened; defaults to the
    frontier, where the client resumes).
    """
    session = Session(seed=seed, last_seen=now)
    reasons = []
    voided = ZERO
    daily = ()
    if progress.pending is not None and now > progress.pending.deadline:
        progress, voided, daily = _void(progress)
        reasons.append(CHECK_EXPIRED)
    remaining = rules.checks_required - progress.checks_passed - (1 if progress.pending else 0)
    planned = _plan_checks(progress, rules, seed, max(0, remaining))
    if progress.pending is not None:
        planned = (progress.pending.position,) + planned
    progress = replace(progress, planned=planned)
    anchor = progress.frontier if position is None else _clamp(secs(position), rules)
    if rules.kind == KIND_READING:
        anchor = progress.frontier
    session = replace(session, position=anchor)
    return Result(True, ZERO, progress, session, tuple(reasons), voided, daily, progress.pending)


def _plan_checks(progress: Progress, rules: Rules, seed: int, remaining: int) -> tuple[Decimal, ...]:
    if remaining <= 0:
        return ()
    rng = random.Random(f"plan:{seed}")
    low = progress.frontier if progress.pending is None else progress.pending.position
    high = max(low, rules.required_seconds)
    width = (high - low) / remaining
    positions = []
    for index in range(remaining):
        start_at = low + width * index
        offset = secs(Decimal(rng.randrange(0, 1000)) / Decimal(1000) * width)
        positions.append(secs(start_at + offset))
    # A check at the very frontier would fire before any new time is watched;
    # nudge such positions just past it (still inside the slice when it is wider).
    return tuple(sorted(max(p, low) for p in positions))


# ----------------------------------------------------------------------- heartbeat


def heartbeat(
    progress: Progress,
    session: Session,
    beat: Heartbeat,
    rules: Rules,
    *,
    now: datetime,
    today: date,
    credited_today: Decimal = ZERO,
) -> Result:
    """Credit the interval that ``beat`` closes (see the module docstring for the rules)."""
    refused = _refuse(session, beat.seq, progress)
    if refused is not None:
        return refused
    reasons: list[str] = []
    daily: dict[date, Decimal] = {}
    reported = _clamp(secs(beat.position), rules)
    wall = wall_seconds(session.last_seen, now) if session.last_seen else ZERO
    session_after = replace(session, seq=beat.seq, last_seen=now, position=reported)

    if progress.pending is not None and now > progress.pending.deadline:
        # The learner was meant to be stopped at the check the whole interval: the
        # interval earns nothing, and the client is told to resume at the rollback.
        progress, voided, void_daily = _void(progress)
        _add_daily(daily, void_daily)
        return _result(progress, session_after, ZERO, [CHECK_EXPIRED], voided, daily, None)
    if progress.pending is not None:
        reasons.append(CHECK_PENDING)
        return _result(progress, session_after, ZERO, reasons, ZERO, daily, progress.pending)

    attended = _attended(wall, beat, rules, reasons)
    p0 = session.position
    if rules.kind == KIND_READING:
        new = _reading_credit(progress, attended, rules)
        reported = progress.frontier + new
    else:
        new = _video_credit(progress, p0, reported, attended, beat, rules, reasons)
    new = _apply_daily_cap(new, rules, credited_today, reasons)

    issued = None
    if progress.planned and progress.frontier + new >= progress.planned[0]:
        new = max(ZERO, progress.planned[0] - progress.frontier)
        issued = _issue_check(progress.planned[0], session, progress, rules, now)
        session_after = replace(session_after, issued=session.issued + 1)
        reasons.append(CHECK_ISSUED)

    frontier = progress.frontier + new
    if rules.kind == KIND_READING:
        session_after = replace(session_after, position=frontier)
    if frontier >= rules.duration and new == ZERO and MEDIA_COMPLETE not in reasons:
        reasons.append(MEDIA_COMPLETE)
    provisional = progress.provisional
    if new > ZERO:
        daily[today] = daily.get(today, ZERO) + new
        if progress.planned:
            provisional = _add_pairs(provisional, ((today, new),))
    asked = progress.asked
    if issued is not None and issued.question_id:
        asked = tuple(q for q in asked if q != issued.question_id) + (issued.question_id,)
    progress = replace(progress, frontier=frontier, provisional=provisional, pending=issued, asked=asked)
    return _result(progress, session_after, new, reasons, ZERO, daily, issued)


def _refuse(session: Session, seq: int, progress: Progress) -> Result | None:
    if not session.live:
        return Result(False, ZERO, progress, session, (REFUSED_SUPERSEDED,))
    if seq <= session.seq:
        return Result(False, ZERO, progress, session, (REFUSED_REPLAYED,))
    return None


def _attended(wall: Decimal, beat: Heartbeat, rules: Rules, reasons: list[str]) -> Decimal:
    """Wall seconds in which someone was plausibly watching."""
    if not beat.visible:
        reasons.append(HIDDEN)
        return ZERO
    usable = wall
    excess = secs(beat.idle_seconds) - rules.idle_limit
    if excess > ZERO:
        reasons.append(IDLE)
        usable = max(ZERO, wall - excess)
    if usable > rules.max_interval:
        reasons.append(GAP_CAPPED)
        usable = rules.max_interval
    return usable


def _video_credit(progress, p0, p1, attended, beat, rules, reasons) -> Decimal:
    """Newly verified media in this interval, contiguous with the frontier."""
    if secs(beat.rate) > rules.max_playback_rate:
        reasons.append(RATE_TOO_HIGH)
    if progress.frontier >= rules.duration:
        reasons.append(MEDIA_COMPLETE)
        return ZERO
    if attended == ZERO:
        return ZERO  # the reason (hidden, idle) is already given
    if p1 <= p0:
        reasons.append(PAUSED)
        return ZERO
    if p0 > progress.frontier + rules.position_slack:
        reasons.append(AHEAD_OF_FRONTIER)
        return ZERO
    allowed = secs(attended * rules.max_playback_rate)
    if p1 - p0 > allowed + rules.position_slack:
        reasons.append(TOO_FAST)
    reach = min(p1, p0 + allowed)
    return max(ZERO, min(reach - progress.frontier, allowed))


def _reading_credit(progress: Progress, attended: Decimal, rules: Rules) -> Decimal:
    """A reading has no media clock: attended wall time at 1x advances the frontier."""
    return max(ZERO, min(attended, rules.duration - progress.frontier))


def _apply_daily_cap(new: Decimal, rules: Rules, credited_today: Decimal, reasons: list[str]) -> Decimal:
    if rules.daily_cap is None or new <= ZERO:
        return new
    room = max(ZERO, rules.daily_cap - credited_today)
    if new > room:
        reasons.append(DAILY_CAP)
        return room
    return new


def _issue_check(position: Decimal, session: Session, progress: Progress, rules: Rules, now: datetime) -> Check:
    """
    Draw the check for ``position`` from the session's secret seed.

    A pool question the learner has reached (no time point, or one the frontier has
    passed) and has not been asked yet in this block, at random; when every reached
    question was asked, any reached one; with none, a picture check.  Choices are
    shuffled and get fresh opaque ids each time, so neither their order nor their
    ids say which one is right.
    """
    rng = random.Random(f"check:{session.seed}:{session.issued}")
    check_id = f"{rng.getrandbits(64):016x}"
    deadline = now + timedelta(milliseconds=int(rules.check_window * 1000))
    reached = [q for q in rules.questions if q.at is None or q.at <= position]
    fresh = [q for q in reached if q.qid not in progress.asked]
    candidates = fresh or reached
    if candidates:
        question = rng.choice(candidates)
        order = list(range(len(question.choices)))
        rng.shuffle(order)
        ids = _choice_ids(rng, len(order))
        return Check(
            check_id=check_id, position=position, issued_at=now, deadline=deadline, kind=CHECK_QUESTION,
            text=question.text, choices=tuple(Choice(ids[i], question.choices[k]) for i, k in enumerate(order)),
            answer=tuple(sorted(ids[i] for i, k in enumerate(order) if k in question.correct)),
            multiple=question.multiple, question_id=question.qid,
        )
    numbers = rng.sample(range(10, 100), PICTURE_CHOICES)
    secret = str(numbers[0])
    rng.shuffle(numbers)
    ids = _choice_ids(rng, len(numbers))
    return Check(
        check_id=check_id, position=position, issued_at=now, deadline=deadline, kind=CHECK_PICTURE, text="",
        choices=tuple(Choice(ids[i], str(n)) for i, n in enumerate(numbers)),
        answer=(ids[numbers.index(int(secret))],), secret=secret,
    )


def _choice_ids(rng: random.Random, count: int) -> list[str]:
    ids: list[str] = []
    while len(ids) < count:
        candidate = f"{rng.getrandbits(40):010x}"
        if candidate not in ids:
            ids.append(candidate)
    return ids


# ---------------------------------------------------------------------- answers


def answer_check(
    progress: Progress,
    session: Session,
    *,
    seq: int,
    check_id: str,
    answer,
    rules: Rules,
    now: datetime,
) -> Result:
    """
    Settle the pending check.  A late or wrong answer fails it: the seconds credited
    since the previous passed check are voided and the frontier rolls back to it.

    ``answer`` is the id of the chosen choice, or the ids of every chosen choice (a
    multiple-choice question passes only with exactly the right set).
    """
    refused = _refuse(session, seq, progress)
    if refused is not None:
        return refused
    pending = progress.pending
    if pending is None or pending.check_id != str(check_id):
        return Result(False, ZERO, progress, replace(session, seq=seq), (REFUSED_NO_CHECK,))
    session = replace(session, seq=seq, last_seen=now)
    if now > pending.deadline or answer_ids(answer) != pending.answer:
        reason = CHECK_EXPIRED if now > pending.deadline else CHECK_WRONG
        progress, voided, daily = _void(progress)
        session = replace(session, position=progress.frontier)
        return Result(True, ZERO, progress, session, (reason,), voided, daily)
    progress = replace(
        progress,
        pending=None,
        checks_passed=progress.checks_passed + 1,
        planned=progress.planned[1:],
        checkpoint=progress.frontier,
        provisional=(),
    )
    session = replace(session, position=min(session.position, progress.frontier))
    return Result(True, ZERO, progress, session, (CHECK_PASSED,))


def answer_ids(answer) -> tuple[str, ...]:
    """The chosen choice ids, as a sorted tuple without repeats (compared with ``Check.answer``)."""
    if isinstance(answer, str):
        answer = (answer,)
    return tuple(sorted({str(item).strip() for item in answer}))


def _void(progress: Progress):
    """Roll back to the last passed check; return (progress, voided, daily deltas)."""
    voided = progress.provisional_seconds
    daily = tuple((day, -amount) for day, amount in progress.provisional)
    progress = replace(progress, frontier=progress.checkpoint, provisional=(), pending=None)
    return progress, voided, daily


# ------------------------------------------------------------------------ helpers


def _clamp(position: Decimal, rules: Rules) -> Decimal:
    return min(max(ZERO, position), secs(rules.duration))


def _add_pairs(pairs, more):
    merged: dict[date, Decimal] = dict(pairs)
    _add_daily(merged, more)
    return tuple(sorted(merged.items()))


def _add_daily(target: dict, pairs) -> None:
    for day, amount in pairs:
        target[day] = target.get(day, ZERO) + amount


def _result(progress, session, credited, reasons, voided, daily, check) -> Result:
    return Result(
        True, credited, progress, session, tuple(reasons), voided, tuple(sorted(daily.items())), check
    )


__all__ = [
    "Check",
    "Choice",
    "Question",
    "Heartbeat",
    "Progress",
    "Result",
    "Rules",
    "Session",
    "answer_check",
    "answer_ids",
    "heartbeat",
    "is_complete",
    "secs",
    "start",
    "wall_seconds",
]
