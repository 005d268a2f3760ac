"""
A scripted learner that speaks the heartbeat protocol through the runtime.

It behaves like the block's JavaScript client (seq numbers, token, seeking to
``resume_at`` when a check is issued or failed, pausing while a check is open) unless
a test tells it to cheat.  Every step moves the fake server clock; nothing sleeps.
Its requests come from ``client`` (an address and a browser string).
"""
from decimal import Decimal

from cadre_credits_xblock import sessions

from .runtime import call, make_block


class Viewer:
    """One device of one learner, watching one block."""

    def __init__(self, name, user, clock, client=("192.0.2.10", "Mozilla/5.0 (honest learner)")):
        self.block = make_block(name, user)
        self.user = user
        self.client = client
        self.clock = clock
        self.position = Decimal(0)
        self.token = None
        self.seq = 0
        self.check = None
        self.responses = []

    @property
    def published(self):
        return self.block.runtime.published

    def start(self, position=None):
        status, body = self.call("start_session", {"position": float(position or self.position)})
        assert status == 200, body
        self.token, self.seq = body["token"], body["seq"]
        self.position = Decimal(str(body["resume_at"]))
        self.check = body["check"]
        return body

    def beat(self, seconds=15, *, rate=1, to=None, visible=True, idle=0, seq=None, token=None, advance=True):
        """``seconds`` of server time pass; the player moved at ``rate`` (or jumped ``to``)."""
        self.clock.advance(seconds)
        if self.check is None and advance:
            self.position = Decimal(str(to)) if to is not None else self.position + Decimal(str(rate)) * seconds
            self.position = min(self.position, Decimal(self.block.duration_seconds))  # a player stops at the end
        self.seq = self.seq + 1 if seq is None else seq
        status, body = self.call("heartbeat", {
            "token": self.token if token is None else token, "seq": self.seq, "position": float(self.position),
            "rate": float(rate), "visible": visible, "focused": visible, "idle_seconds": idle,
        })
        self.responses.append((status, body))
        if status == 200:
            self._follow(body)
        return status, body

    def answer(self, correct=True, seconds=3):
        self.clock.advance(seconds)
        self.seq += 1
        check = self.check
        right = self.right_answer()
        choice = right if correct else [next(c["id"] for c in check["choices"] if c["id"] not in right)]
        status, body = self.call("answer_check", {
            "token": self.token, "seq": self.seq, "check_id": check["id"], "answer": choice,
        })
        assert status == 200, body
        self._follow(body)
        return body

    def watch(self, seconds, *, rate=1, answer=True, step=15):
        """Play for ``seconds`` of wall time, answering checks as a person would."""
        elapsed = 0
        body = None
        while elapsed < seconds:
            _, body = self.beat(step, rate=rate)
            elapsed += step
            if self.check is not None and answer:
                body = self.answer(seconds=0)
        return body

    def watch_until_complete(self, limit=3600):
        elapsed = 0
        while elapsed < limit:
            _, body = self.beat()
            elapsed += 15
            if self.check is not None:
                body = self.answer(seconds=0)
            if body["progress"]["completed"]:
                return body
        raise AssertionError("never completed")

    def _follow(self, body):
        self.check = body.get("check")
        if body.get("resume_at") is not None and (self.check is not None or set(body["reasons"]) & {
                "check_wrong", "check_expired"}):
            self.position = Decimal(str(body["resume_at"]))

    def call(self, handler, data):
        return call(self.block, handler, data, remote_addr=self.client[0], user_agent=self.client[1])

    def right_answer(self):
        """
        What a person who watched the lecture (or sees the picture) chooses: the ids
        of the right choices, which the server keeps and never sends.
        """
        check = sessions.pending_check(self.user.id, self.block.scope_ids.usage_id)
        assert check is not None and check.check_id == self.check["id"]
        return list(check.answer)
