"""
Table-driven tests of the pure verification rules, each asserting exact seconds.

Each row is a heartbeat script: (seconds of server time since the previous request,
reported media position, extra heartbeat fields) and the seconds that heartbeat must
earn.  No Django, no runtime: the clock is a number the test controls.
"""
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadre_credits_xblock import verification as v

T0 = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
DAY = date(2026, 3, 5)
RULES = v.Rules(duration=D(600))


def run(script, rules=RULES, progress=None, start_position=0):
    """Start a session at T0 and play ``script``; return (credits per beat, last result)."""
    started = v.start(progress or v.Progress(), rules, seed=7, now=T0, position=start_position)
    progress, session, now = started.progress, started.session, T0
    credits, result, today_total = [], started, D(0)
    for seq, (dt, position, extra) in enumerate(script, start=1):
        now += timedelta(milliseconds=int(D(dt) * 1000))
        beat = v.Heartbeat(seq=extra.pop("seq", seq), position=D(position), **extra)
        result = v.heartbeat(progress, session, beat, rules, now=now, today=DAY, credited_today=today_total)
        today_total += sum((amount for _day, amount in result.daily), D(0))
        credits.append(result.credited)
        progress, session = result.progress, result.session
    return credits, result


def steady(seconds, rate=1, step=15, start=0, **extra):
    """Heartbeats every ``step`` seconds of a player running at ``rate``."""
    return [(step, start + rate * step * (i + 1), dict(extra)) for i in range(seconds // step)]


CASES = [
    # name, rules, script, expected credit per heartbeat (or total when an int/str)
    ("1x earns wall time", RULES, steady(60), ["15"] * 4),
    ("1x whole lecture earns its duration", RULES, steady(600), "600"),
    ("2x earns the first interval at 1x, then nothing until back at the frontier",
     RULES, steady(60, rate=2), ["15", "0", "0", "0"]),
    ("16x script earns one interval", RULES, steady(600, rate=16, step=15)[:3], ["15", "0", "0"]),
    ("1.5x is allowed where the pack allows it (Hebei)",
     replace(RULES, max_playback_rate=D("1.5")), steady(60, rate=D("1.5")), ["22.5"] * 4),
    ("2x where 1.5x is allowed earns 1.5x of wall time, once",
     replace(RULES, max_playback_rate=D("1.5")), steady(30, rate=2), ["22.5", "0"]),
    ("drag to the end earns only the interval's wall time, then nothing",
     RULES, steady(60) + [(15, 600, {}), (15, 600, {}), (15, 600, {})], ["15"] * 4 + ["15", "0", "0"]),
    ("seek ahead then play: nothing beyond the frontier",
     RULES, steady(30) + [(1, 300, {})] + steady(45, start=300), ["15", "15", "1", "0", "0", "0"]),
    ("seek ahead then back to the frontier resumes crediting",
     RULES, steady(30) + [(2, 300, {}), (1, 32, {})] + steady(30, start=32),
     ["15", "15", "2", "0", "15", "15"]),
    ("rewatching covered media earns nothing new",
     RULES, steady(60) + [(1, 0, {})] + steady(60, start=0), ["15"] * 4 + ["0", "0", "0", "0", "0"]),
    ("paused player earns nothing", RULES, steady(30) + [(15, 30, {}), (15, 30, {})], ["15", "15", "0", "0"]),
    ("hidden intervals earn nothing (the client pauses the player when hidden)", RULES,
     steady(30) + [(15, 30, {"visible": False})] * 2 + steady(15, start=30), ["15", "15", "0", "0", "15"]),
    ("a player left running in a hidden tab must go back to the frontier", RULES,
     steady(30) + steady(30, start=30, visible=False) + steady(15, start=60), ["15", "15", "0", "0", "0"]),
    ("idle beyond the limit stops the clock where the limit ran out",
     replace(RULES, idle_limit=D(20)),
     [(15, 15, {"idle_seconds": 15}), (15, 30, {"idle_seconds": 30}), (15, 45, {"idle_seconds": 45})],
     ["15", "5", "0"]),
    ("a late heartbeat is capped at the interval limit", RULES, [(15, 15, {}), (100, 115, {})], ["15", "30"]),
    # a refused request does not move the server's clock anchor: the next accepted
    # heartbeat covers the whole wall time since the last accepted one, no more
    ("replayed sequence number is refused", RULES,
     [(15, 15, {"seq": 1}), (15, 30, {"seq": 1}), (15, 45, {"seq": 2})], ["15", "0", "30"]),
    ("reordered (older) sequence number is refused", RULES,
     [(15, 15, {"seq": 5}), (15, 30, {"seq": 3}), (15, 45, {"seq": 6})], ["15", "0", "30"]),
    ("reported rate is not believed: the position decides", RULES,
     steady(30, rate=2, rate_reported=None), ["15", "0"]),
    ("network jitter within the slack keeps crediting",
     RULES, [(D("14.8"), 15, {}), (D("15.2"), 30, {}), (15, 45, {})], ["14.8", "15.2", "15"]),
    ("daily cap stops crediting for the day", replace(RULES, daily_cap=D(40)), steady(60), ["15", "15", "10", "0"]),
    ("reading: attended wall time earns, client position ignored",
     replace(RULES, kind=v.KIND_READING, duration=D(40)),
     [(15, 9999, {}), (15, 0, {}), (15, 0, {}), (15, 0, {"visible": False})], ["15", "15", "10", "0"]),
    ("the end of the media stops crediting", replace(RULES, duration=D(20)), steady(30), ["15", "5"]),
]


def _clean(script):
    """Support the ``rate_reported`` shorthand: the client claims 1x while running faster."""
    out = []
    for dt, position, extra in script:
        extra = dict(extra)
        if "rate_reported" in extra:
            extra.pop("rate_reported")
            extra["rate"] = D(1)
        out.append((dt, position, extra))
    return out


@pytest.mark.parametrize(("rules", "script", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_heartbeat_credits_exact_seconds(rules, script, expected):
    credits, _ = run(_clean(script), rules)
    if isinstance(expected, str):
        assert sum(credits, D(0)) == D(expected)
    else:
        assert credits == [D(e) for e in expected]


def test_two_x_never_earns_more_than_one_x_over_the_same_wall_time():
    one_x, _ = run(steady(300))
    for rate in (D("1.25"), 2, 4, 16):
        fast, _ = run(steady(300, rate=rate))
        assert sum(fast, D(0)) <= sum(one_x, D(0))
    assert sum(one_x, D(0)) == D(300)


def test_superseded_session_is_refused_and_keeps_progress():
    started = v.start(v.Progress(), RULES, seed=1, now=T0)
    old = replace(started.session, live=False)
    result = v.heartbeat(started.progress, old, v.Heartbeat(seq=1, position=D(15)), RULES,
                         now=T0 + timedelta(seconds=15), today=DAY)
    assert not result.accepted
    assert result.reasons == (v.REFUSED_SUPERSEDED,)
    assert result.credited == D(0)
    assert result.progress == started.progress


def test_reasons_explain_why_time_is_not_credited():
    _, result = run([(15, 15, {}), (15, 60, {})])
    assert v.TOO_FAST in result.reasons
    _, result = run([(15, 15, {"rate": D(2)})])
    assert v.RATE_TOO_HIGH in result.reasons
    _, result = run([(15, 15, {"visible": False})])
    assert result.reasons == (v.HIDDEN,)


def test_rules_required_seconds_round_up_to_the_millisecond():
    assert v.Rules(duration=D(600)).required_seconds == D("570.000")
    assert v.Rules(duration=D("100.001"), required_share=D("0.95")).required_seconds == D("95.001")


# ------------------------------------------------------------- attention checks

CHECKED = replace(RULES, duration=D(300), checks_required=2, check_window=D(60))


class Player:
    """An honest learner: plays at 1x, follows ``resume_at`` and answers checks."""

    def __init__(self, rules=CHECKED, progress=None, seed=11):
        self.rules = rules
        self.now = T0
        started = v.start(progress or v.Progress(), rules, seed=seed, now=self.now)
        self.progress, self.session = started.progress, started.session
        self.position = started.session.position
        self.seq = 0
        self.credited = D(0)
        self.voided = D(0)
        self.today = D(0)

    def beat(self, dt=15, rate=1):
        self.now += timedelta(seconds=dt)
        if self.progress.pending is None:
            self.position = min(self.position + rate * D(dt), self.rules.duration)
        self.seq += 1
        result = v.heartbeat(self.progress, self.session, v.Heartbeat(seq=self.seq, position=D(self.position)),
                             self.rules, now=self.now, today=DAY, credited_today=self.today)
        return self._take(result)

    def answer(self, correct=True, dt=5):
        self.now += timedelta(seconds=dt)
        self.seq += 1
        check = self.progress.pending
        answer = check.answer if correct else (next(c.id for c in check.choices if c.id not in check.answer),)
        result = v.answer_check(self.progress, self.session, seq=self.seq, check_id=check.check_id,
                                answer=answer, rules=self.rules, now=self.now)
        return self._take(result)

    def _take(self, result):
        self.progress, self.session = result.progress, result.session
        self.credited += result.credited
        self.voided += result.voided
        self.today += sum((amount for _day, amount in result.daily), D(0))
        if result.check is not None or v.CHECK_WRONG in result.reasons or v.CHECK_EXPIRED in result.reasons:
            self.position = self.progress.frontier  # the client seeks to resume_at
        return result

    def watch_answering(self, correct=True):
        while not v.is_complete(self.progress, self.rules) and self.now < T0 + timedelta(hours=2):
            result = self.beat()
            if result.check is not None:
                self.answer(correct)
        return self


def test_checks_are_planned_inside_the_required_share_and_spread_out():
    started = v.start(v.Progress(), CHECKED, seed=11, now=T0)
    first, second = started.progress.planned
    assert D(0) <= first < D("142.5") <= second < CHECKED.required_seconds


def test_checks_differ_between_sessions_and_are_reproducible_per_seed():
    plan = [v.start(v.Progress(), CHECKED, seed=s, now=T0).progress.planned for s in (1, 2, 1)]
    assert plan[0] == plan[2]
    assert plan[0] != plan[1]


def test_checks_answered_earn_the_whole_required_time_exactly():
    player = Player().watch_answering(correct=True)
    assert player.progress.checks_passed == 2
    assert player.voided == D(0)
    assert player.progress.frontier >= CHECKED.required_seconds
    # every credited second is media newly covered: credited == frontier, exactly
    assert player.credited == player.progress.frontier


def test_frontier_stops_at_the_check_and_nothing_is_credited_while_it_is_pending():
    player = Player()
    check_at = player.progress.planned[0]
    while player.progress.pending is None:
        player.beat()
    assert player.progress.frontier == check_at
    assert player.credited == check_at
    pending = player.beat()
    assert pending.credited == D(0)
    assert pending.reasons == (v.CHECK_PENDING,)


def test_wrong_answer_voids_the_time_since_the_previous_passed_check():
    player = Player()
    first_check = player.progress.planned[0]
    while player.progress.pending is None:
        player.beat()
    player.answer(correct=True)
    while player.progress.pending is None:
        player.beat()
    second_check = player.progress.frontier
    result = player.answer(correct=False)
    assert result.reasons == (v.CHECK_WRONG,)
    assert result.voided == second_check - first_check
    assert player.progress.frontier == first_check
    assert result.daily == ((DAY, -(second_check - first_check)),)
    assert player.progress.checks_passed == 1


def test_unanswered_check_expires_and_voids_its_interval():
    player = Player()
    while player.progress.pending is None:
        player.beat()
    check_at = player.progress.frontier
    for _ in range(4):  # 60 s window: the fifth heartbeat (75 s later) finds it expired
        assert player.beat().reasons == (v.CHECK_PENDING,)
    expired = player.beat()
    assert expired.reasons == (v.CHECK_EXPIRED,)
    assert expired.voided == check_at
    assert player.progress.frontier == D(0)
    assert player.credited - player.voided == D(0)


def test_late_answer_fails_like_no_answer():
    player = Player()
    while player.progress.pending is None:
        player.beat()
    result = player.answer(correct=True, dt=61)
    assert result.reasons == (v.CHECK_EXPIRED,)
    assert player.progress.frontier == D(0)


def test_reloading_does_not_dodge_a_pending_check():
    player = Player()
    while player.progress.pending is None:
        player.beat()
    pending = player.progress.pending
    again = v.start(player.progress, CHECKED, seed=99, now=player.now + timedelta(seconds=10))
    assert again.check == pending
    assert again.progress.planned[0] == pending.position
    late = v.start(player.progress, CHECKED, seed=99, now=player.now + timedelta(seconds=61))
    assert late.reasons == (v.CHECK_EXPIRED,)
    assert late.progress.frontier == D(0)
    assert late.voided == pending.position


def test_answer_without_pending_check_is_refused():
    started = v.start(v.Progress(), CHECKED, seed=1, now=T0)
    result = v.answer_check(started.progress, started.session, seq=1, check_id="nope", answer="1",
                            rules=CHECKED, now=T0)
    assert not result.accepted
    assert result.reasons == (v.REFUSED_NO_CHECK,)


def test_without_a_pool_the_check_is_a_picture_of_one_of_four_distinct_numbers():
    player = Player()
    while player.progress.pending is None:
        player.beat()
    check = player.progress.pending
    assert check.kind == v.CHECK_PICTURE and check.text == ""
    assert len({c.text for c in check.choices}) == 4 and len({c.id for c in check.choices}) == 4
    (right,) = check.answer
    assert next(c.text for c in check.choices if c.id == right) == check.secret
    # nothing the browser sees names the number: the ids are random, not the texts
    assert all(c.id != c.text and check.secret not in c.id for c in check.choices)


def test_no_checks_means_completion_on_time_alone():
    rules = replace(RULES, duration=D(100))
    credits, result = run(steady(90), rules)
    assert sum(credits, D(0)) == D(90)
    assert not v.is_complete(result.progress, rules)
    credits, result = run(steady(90) + steady(15, start=90), rules)
    assert sum(credits, D(0)) == D(100)
    assert v.is_complete(result.progress, rules)


def test_daily_cap_counts_across_blocks_through_credited_today():
    rules = replace(RULES, daily_cap=D(3600))
    started = v.start(v.Progress(), rules, seed=1, now=T0)
    result = v.heartbeat(started.progress, started.session, v.Heartbeat(seq=1, position=D(15)), rules,
                         now=T0 + timedelta(seconds=15), today=DAY, credited_today=D(3590))
    assert result.credited == D(10)
    assert result.reasons == (v.DAILY_CAP,)
    assert result.daily == ((DAY, D(10)),)


def test_resuming_in_a_new_session_continues_from_the_frontier():
    _, first = run(steady(60))
    credits2, second = run(steady(30, start=60), progress=first.progress, start_position=60)
    assert credits2 == [D(15), D(15)]
    assert second.progress.frontier == D(90)


BEAT = st.tuples(
    st.integers(min_value=0, max_value=120),                 # server seconds since last request
    st.integers(min_value=-50, max_value=700),               # reported position
    st.booleans(),                                           # visible
    st.integers(min_value=0, max_value=900),                 # idle seconds
    st.integers(min_value=-2, max_value=3),                  # seq step (<=0 is a replay)
)


@settings(max_examples=300, deadline=None)
@given(script=st.lists(BEAT, max_size=40), rate=st.sampled_from([D(1), D("1.5")]))
def test_no_script_earns_more_than_wall_time_times_the_allowed_rate(script, rate):
    """Whatever a client reports, credit <= attended wall x rate, <= duration, == frontier."""
    rules = replace(RULES, max_playback_rate=rate, idle_limit=D(300))
    started = v.start(v.Progress(), rules, seed=3, now=T0)
    progress, session, now, seq = started.progress, started.session, T0, 0
    total, wall, anchor = D(0), D(0), T0
    for dt, position, visible, idle, step in script:
        now += timedelta(seconds=dt)
        seq += step
        result = v.heartbeat(progress, session, v.Heartbeat(seq=seq, position=D(position), visible=visible,
                             idle_seconds=D(idle)), rules, now=now, today=DAY)
        interval = min(D((now - anchor).seconds), rules.max_interval)
        if result.accepted:
            wall += interval
            anchor = now
        assert result.credited <= interval * rate
        total += result.credited
        progress, session = result.progress, result.session
    assert total <= wall * rate
    assert total <= rules.duration
    assert total == progress.frontier


def test_the_verification_module_imports_no_django_and_no_xblock():
    """The rules stay pure: importing them pulls in neither framework."""
    import subprocess
    import sys

    code = ("import sys, cadre_credits_xblock.verification; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'xblock', 'webob'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_block_without_duration_is_never_complete():
    assert not v.is_complete(v.Progress(), replace(RULES, duration=D(0)))
