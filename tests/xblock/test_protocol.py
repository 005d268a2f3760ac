"""
The hardened protocol: every handler checks its body against the protocol's bounds.

A body outside them is a 400 with a stable code and changes nothing; no input can
lock a session; and, whatever a script sends in whatever order (a property test over
the three handlers), the block never fails with a 500 and never credits more than
the wall time since the session started times the allowed rate.
"""
import itertools
import json
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadre_credits_xblock import protocol
from cadre_credits_xblock.models import AttentionCheck, BlockProgress, LearnerClock, LearningSession
from tests.plugin.factories import make_user

from .runtime import call, get, make_block
from .viewer import Viewer

pytestmark = pytest.mark.django_db

_names = itertools.count()


def snapshot(user):
    """Everything a request of ``user`` could change, as plain values."""
    return (
        list(BlockProgress.objects.filter(user=user).order_by("pk").values_list(
            "verified_seconds", "checks_passed", "state", "completed", "reported")),
        list(LearningSession.objects.filter(user=user).order_by("pk").values_list(
            "status", "last_seq", "last_seen", "state", "credited_seconds", "voided_seconds", "refused_requests")),
        list(LearnerClock.objects.filter(user=user).values_list("session_id", "day", "day_seconds")),
        list(AttentionCheck.objects.filter(user=user).order_by("pk").values_list("check_id", "outcome", "answer")),
    )


def raw(viewer, handler, text):
    return call(viewer.block, handler, None, raw=text.encode("utf-8"))


@pytest.fixture
def watching(block_name, author, learner, clock):
    make_block(block_name, author, duration_seconds=600, checks_required=0, video_url="/media/l1.mp4")
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    viewer.watch(30)
    assert viewer.seq == 2
    return viewer


# The bodies from the issue that gave 500 tracebacks (or locked the session), and their kin.
HEARTBEATS = [
    ('{"token": "%(t)s", "seq": 3, "position": 1e30, "rate": 1, "visible": true}', "bad_position"),
    ('{"token": "%(t)s", "seq": 3, "position": -1e30, "rate": 1, "visible": true}', "bad_position"),
    ('{"token": "%(t)s", "seq": 3, "position": 45, "rate": 1e50, "visible": true}', "bad_rate"),
    ('{"token": "%(t)s", "seq": 9223372036854775808, "position": 45, "visible": true}', "bad_seq"),
    ('{"token": "%(t)s", "seq": 9223372036854775807, "position": 45, "visible": true}', "bad_seq"),
    ('[{"token": "%(t)s", "seq": 3, "position": 45}]', "bad_body"),
    ('{"token": "%(t)s", "seq": 3, "position": 1e999999, "visible": true}', "bad_position"),
    ('{"token": "%(t)s", "seq": 3, "position": NaN, "visible": true}', "bad_position"),
    ('{"token": "%(t)s", "seq": 3, "position": -Infinity, "visible": true}', "bad_position"),
    ('{"token": "%(t)s", "seq": 3, "position": "45", "visible": true}', "bad_position"),
    ('{"token": "%(t)s", "seq": 3, "position": 45, "rate": 0, "visible": true}', "bad_rate"),
    ('{"token": "%(t)s", "seq": 3, "position": 45, "rate": 16.5, "visible": true}', "bad_rate"),
    ('{"token": "%(t)s", "seq": 3, "position": 45, "idle_seconds": -1, "visible": true}', "bad_idle_seconds"),
    ('{"token": "%(t)s", "seq": 3, "position": 45, "idle_seconds": 86401, "visible": true}', "bad_idle_seconds"),
    ('{"token": "%(t)s", "seq": 3, "position": 45, "visible": "true"}', "bad_visible"),
    ('{"token": "%(t)s", "seq": 3.0, "position": 45, "visible": true}', "bad_seq"),
    ('{"token": "%(t)s", "seq": true, "position": 45, "visible": true}', "bad_seq"),
    ('{"token": "%(t)s", "seq": 0, "position": 45, "visible": true}', "bad_seq"),
    ('{"token": "%(t)s", "seq": 10003, "position": 45, "visible": true}', "seq_out_of_range"),
    ('{"token": 42, "seq": 3, "position": 45, "visible": true}', "bad_token"),
    ('{"token": "%(t)s", "seq": 3, "visible": true}', "bad_position"),
    ('{"token": "%(t)s", "seq": 3, "position": 606, "visible": true}', "bad_position"),
    ('"heartbeat"', "bad_body"),
    ("null", "bad_body"),
    ('{"token": "%(t)s", "seq": 3, "position": 45', "bad_json"),
    ("[" * 100_000 + "]" * 100_000, "bad_body"),
    ("[" * 8_000 + "]" * 8_000, "bad_json"),
    ('{"token": "%(t)s", "seq": 3, "position": 45, "pad": "' + "x" * 20_000 + '"}', "bad_body"),
]


@pytest.mark.parametrize(("body", "code"), HEARTBEATS, ids=[f"{c}-{i}" for i, (_b, c) in enumerate(HEARTBEATS)])
def test_each_out_of_bounds_heartbeat_is_a_400_with_a_stable_code_and_changes_nothing(watching, learner, body, code):
    before = snapshot(learner)
    status, reply = raw(watching, "heartbeat", body % {"t": watching.token} if "%(t)s" in body else body)
    assert (status, reply) == (400, {"error": code})
    assert code in protocol.CODES
    assert snapshot(learner) == before
    _, next_beat = watching.beat(15)  # and the session goes on as if nothing had been sent
    assert next_beat["ok"] is True and next_beat["credited"] == "15.000"


@pytest.mark.parametrize(("body", "code"), [
    ('{"token": "%(t)s", "seq": 3, "check_id": "x"}', "bad_answer"),
    ('{"token": "%(t)s", "seq": 3, "check_id": "x", "answer": 45}', "bad_answer"),
    ('{"token": "%(t)s", "seq": 3, "check_id": "x", "answer": ["a", "b", "c", "d", "e", "f", "g", "h", "i"]}',
     "bad_answer"),
    ('{"token": "%(t)s", "seq": 3, "check_id": "x", "answer": [""]}', "bad_answer"),
    ('{"token": "%(t)s", "seq": 3, "check_id": ["x"], "answer": "a"}', "bad_check_id"),
    ('{"token": "%(t)s", "seq": 3, "check_id": "' + "x" * 65 + '", "answer": "a"}', "bad_check_id"),
    ('{"token": "%(t)s", "seq": 1e400, "check_id": "x", "answer": "a"}', "bad_seq"),
    ('[]', "bad_body"),
])
def test_out_of_bounds_answers_are_400_and_change_nothing(watching, learner, body, code):
    before = snapshot(learner)
    assert raw(watching, "answer_check", body % {"t": watching.token}) == (400, {"error": code})
    assert snapshot(learner) == before


@pytest.mark.parametrize(("body", "code"), [
    ('{"position": 1e30}', "bad_position"), ('{"position": -1}', "bad_position"), ('[1]', "bad_body"),
    ('{"position": Infinity}', "bad_position"), ('{"position": "0"}', "bad_position"),
])
def test_out_of_bounds_starts_are_400_and_open_no_session(block_name, author, learner, clock, body, code):
    make_block(block_name, author, duration_seconds=600, checks_required=0, video_url="/media/l1.mp4")
    viewer = Viewer(block_name, learner, clock)
    assert raw(viewer, "start_session", body) == (400, {"error": code})
    assert snapshot(learner) == ([], [], [], [])


def test_no_input_locks_a_session_the_client_follows_the_servers_sequence_number(watching, learner):
    """A jump (the largest the bounds allow) is accepted once; the real client then resyncs from ``seq``."""
    jump = watching.seq + protocol.MAX_SEQ_STEP
    status, jumped = watching.call("heartbeat", {"token": watching.token, "seq": jump, "position": 30.0, "rate": 1,
                                                 "visible": True, "focused": True, "idle_seconds": 0})
    assert status == 200 and jumped["seq"] == jump
    _, behind = watching.beat(15)  # the page's own next number is now behind
    assert behind["reasons"] == ["replayed"] and behind["seq"] == jump
    watching.seq = behind["seq"]  # what the page's client does with a "replayed" answer
    _, resumed = watching.beat(15)
    assert resumed["ok"] is True and resumed["credited"] == "30.000"  # the wall time since the last accepted
    assert raw(watching, "heartbeat", json.dumps({"token": watching.token, "seq": 2**53, "position": 45}))[0] == 400


def test_the_picture_handler_answers_404_without_a_pending_picture_check(watching):
    assert get(watching.block, "check_picture", "check=anything").status_code == 404


# ------------------------------------------------------------- property test

WILD = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=4), st.lists(st.integers(), max_size=2),
)
SANE_DT = st.sampled_from([0, 1, 5, 14, 15, 16, 29, 30, 31, 60, 120, 600])


@st.composite
def steps(draw):
    """One request: which handler, how long after the previous one, and its body (sane or wild per field)."""
    handler = draw(st.sampled_from(["start_session", "heartbeat", "heartbeat", "heartbeat", "answer_check"]))
    dt = draw(SANE_DT)
    shape = draw(st.sampled_from(["object", "object", "object", "array", "scalar", "garbage"]))
    fields = {}
    for name, sane in (
        ("seq", st.sampled_from(["next", "same", "jump"])),
        ("position", st.sampled_from(["played", "frontier", "end", "ahead"])),
        ("rate", st.sampled_from([1, 1.0, 2, 16])),
        ("visible", st.booleans()),
        ("idle_seconds", st.sampled_from([0, 5, 700])),
        ("answer", st.sampled_from(["right", "wrong", "first"])),
        ("token", st.sampled_from(["live", "live", "stale", "forged"])),
    ):
        choice = draw(st.sampled_from(["sane", "sane", "sane", "wild", "absent"]))
        fields[name] = ("sane", draw(sane)) if choice == "sane" else (choice, draw(WILD) if choice == "wild" else None)
    return handler, dt, shape, fields


class Script:
    """A script with the learner's session: it knows the protocol, and sends whatever it likes."""

    def __init__(self, block, clock):
        self.block, self.clock = block, clock
        self.token = self.stale = None
        self.seq = 0
        self.position = 0.0
        self.check = None
        self.user = block.runtime.user

    def value(self, name, kind, value):
        if kind == "wild":
            return value
        if name == "seq":
            return {"next": self.seq + 1, "same": self.seq, "jump": self.seq + protocol.MAX_SEQ_STEP}[value]
        if name == "position":
            return {"played": self.position, "frontier": float(self.frontier()), "end": 600.0,
                    "ahead": self.position + 300}[value]
        if name == "token":
            return {"live": self.token, "stale": self.stale, "forged": "eyJzIjoi.bad:sig"}[value]
        if name == "answer":
            return self.answer_for(value)
        return value

    def frontier(self):
        row = BlockProgress.objects.filter(user=self.user).first()
        return row.verified_seconds if row else D(0)

    def answer_for(self, how):
        if not self.check:
            return "none"
        ids = [choice["id"] for choice in self.check["choices"]]
        if how == "first":
            return ids[:1]
        row = BlockProgress.objects.filter(user=self.user).first()
        right = (row.state.get("pending") or {}).get("answer", []) if row else []
        return right if how == "right" else [i for i in ids if i not in right][:1]

    def body(self, handler, shape, fields):
        if shape == "array":
            return json.dumps([1, 2])
        if shape == "scalar":
            return json.dumps(3.5)
        if shape == "garbage":
            return '{"seq": '
        names = {"start_session": ("position",), "heartbeat": ("token", "seq", "position", "rate", "visible",
                                                               "idle_seconds"),
                 "answer_check": ("token", "seq", "answer")}[handler]
        data = {}
        for name in names:
            kind, value = fields[name]
            if kind != "absent":
                data[name] = self.value(name, kind, value)
        if handler == "answer_check":
            data["check_id"] = (self.check or {}).get("id", "none")
        return json.dumps(data)

    def send(self, handler, dt, shape, fields):
        self.clock.advance(dt)
        if handler == "heartbeat" and fields["position"][0] == "sane":
            self.position = min(self.position + dt, 600.0)
        text = self.body(handler, shape, fields)
        status, reply = call(self.block, handler, None, raw=text.encode("utf-8"))
        if status == 200:
            if handler == "start_session":
                self.stale, self.token = self.token, reply["token"]
            self.seq = max(self.seq, reply.get("seq") or 0)
            self.check = reply.get("check")
            if reply.get("resume_at") is not None:
                self.position = float(reply["resume_at"])
        return status, reply


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(script=st.lists(steps(), min_size=1, max_size=25))
def test_whatever_a_script_sends_no_500_no_change_on_400_and_no_more_credit_than_wall_time(
        script, author, clock):
    """Over the three handlers: never a 500; a 400 changes nothing; credit <= wall time x allowed rate (1.0)."""
    name = f"prop{next(_names)}"
    make_block(name, author, duration_seconds=600, checks_required=2, video_url="/media/l1.mp4")
    learner = make_user()
    bot = Script(make_block(name, learner), clock)
    began = clock()
    status, reply = bot.send("start_session", 0, "object", {"position": ("absent", None)})
    assert status == 200
    for handler, dt, shape, fields in script:
        before = snapshot(learner)
        status, reply = bot.send(handler, dt, shape, fields)
        assert status in (200, 400, 403), (status, reply)  # a 500 would have raised out of the runtime
        if status == 400:
            assert reply["error"] in protocol.CODES
            assert snapshot(learner) == before
        wall = D((clock() - began).total_seconds())
        row = BlockProgress.objects.get(user=learner)
        assert row.verified_seconds <= wall * D(1)
        net = sum(s.credited_seconds - s.voided_seconds for s in LearningSession.objects.filter(user=learner))
        assert net == row.verified_seconds <= wall
