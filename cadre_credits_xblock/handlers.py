"""
The learner's JSON handlers: parse, call :mod:`sessions`, shape the answer.

The heartbeat protocol (every field of every request and response) is documented in
docs/xblock.md; :func:`response_payload` is its response contract.  Nothing here
decides how much time counts: that is :mod:`verification`'s job.
"""
import logging
from decimal import Decimal, InvalidOperation

from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError

from . import clock, i18n, policy, sessions
from . import verification as v
from .compat import LearnerRef, course_key_of, current_user, current_user_id, usage_key_of
from .conf import credits_setting
from .state import check_for_browser

log = logging.getLogger(__name__)


class LearnerHandlersMixin:
    """``start_session``, ``heartbeat`` and ``answer_check``."""

    @XBlock.json_handler
    def start_session(self, data, suffix=""):
        """Open a live session (superseding any other of this learner) and return its token."""
        user = self._learner()
        if int(self.duration_seconds or 0) <= 0:
            raise JsonHandlerError(409, "not_configured")
        position = _decimal(data.get("position"), "position", default=None)
        learning = policy.learning_rules(user)
        outcome = sessions.start_session(user, self.block_spec(), now=clock.now(), position=position,
                                         learning=learning)
        payload = self.response_payload(outcome)
        payload.update({
            "token": outcome.token,
            "seq": 0,
            "heartbeat_interval": credits_setting("HEARTBEAT_INTERVAL_SECONDS"),
            "max_playback_rate": float(learning[0]),
            "resume_at": float(outcome.result.session.position),
        })
        return payload

    @XBlock.json_handler
    def heartbeat(self, data, suffix=""):
        """Credit the interval since the previous accepted request."""
        user = self._learner_ref()
        beat = v.Heartbeat(
            seq=_integer(data.get("seq"), "seq"),
            position=_decimal(data.get("position"), "position", default=Decimal(0)),
            rate=_decimal(data.get("rate"), "rate", default=Decimal(1)),
            visible=bool(data.get("visible", False)),
            focused=bool(data.get("focused", False)),
            idle_seconds=_decimal(data.get("idle_seconds"), "idle_seconds", default=Decimal(0)),
        )
        outcome = sessions.record_heartbeat(user, self.block_spec(), data.get("token", ""), beat, now=clock.now())
        return self.response_payload(outcome)

    @XBlock.json_handler
    def answer_check(self, data, suffix=""):
        """Settle the pending attention check."""
        user = self._learner_ref()
        outcome = sessions.record_answer(
            user, self.block_spec(), data.get("token", ""), seq=_integer(data.get("seq"), "seq"),
            check_id=str(data.get("check_id", "")), answer=str(data.get("answer", "")), now=clock.now(),
        )
        payload = self.response_payload(outcome)
        payload["passed"] = v.CHECK_PASSED in payload["reasons"]
        return payload

    # ------------------------------------------------------------------ helpers

    def _learner(self):
        user = current_user(self)
        if user is None:
            raise JsonHandlerError(401, "anonymous")
        return user

    def _learner_ref(self):
        """The learner's id only: the hot path never loads the user row."""
        user_id = current_user_id(self)
        if user_id is None:
            raise JsonHandlerError(401, "anonymous")
        return LearnerRef(int(user_id))

    def block_spec(self):
        return sessions.BlockSpec(
            course_key=course_key_of(self), usage_key=usage_key_of(self),
            duration=Decimal(max(0, int(self.duration_seconds or 0))), kind=self.media_kind,
            checks_required=max(0, int(self.checks_required or 0)), required_share=self.required_share_decimal(),
        )

    def response_payload(self, outcome):
        """The JSON every learner handler returns (see docs/xblock.md)."""
        if outcome.refusal is not None:
            log.info("Refused learner request on %s: %s", usage_key_of(self), outcome.refusal)
            raise JsonHandlerError(403, outcome.refusal)
        result = outcome.result
        self._settle_completion(outcome)
        check = (result.check or result.progress.pending) if result.accepted else None
        resume_at = None
        if result.check is not None or {v.CHECK_WRONG, v.CHECK_EXPIRED, v.AHEAD_OF_FRONTIER} & set(result.reasons):
            resume_at = float(result.progress.frontier)
        payload = {
            "ok": result.accepted,
            "live": v.REFUSED_SUPERSEDED not in result.reasons,
            "credited": str(result.credited),
            "voided": str(result.voided),
            "reasons": list(result.reasons),
            "messages": i18n.messages_for(result.reasons),
            "resume_at": resume_at,
            "check": self._check_payload(check, outcome.now) if check is not None else None,
            "progress": self.progress_payload(outcome.progress, outcome.rules),
        }
        if outcome.newly_completed:
            payload["year"] = self._year_payload(current_user(self))
        return payload

    def _check_payload(self, check, now):
        data = check_for_browser(check, now)
        data["question"] = i18n.check_question(check.prompt)
        return data

    def _settle_completion(self, outcome):
        """
        Tell the policy plugin, then publish completion, once the block is verified.

        The plugin hears first so that whatever completion sets off in the LMS (grading,
        a certificate request and its gate) already finds the block verified.  Both are
        idempotent, so a report that failed (plugin down) is retried on the learner's
        next request instead of being lost.
        """
        row = outcome.progress
        if row is None or row.completed is None or row.reported is not None:
            return
        try:
            policy.report_verified(
                row.user, row.course_key, row.usage_key,
                verified_seconds=int(row.verified_seconds), session_ids=sessions.evidence_sessions(row),
                verified_at=row.completed,
            )
        except Exception:  # the learner's request must not fail; retried next time
            log.exception("Could not report verified block %s for user %s", row.usage_key, row.user_id)
        else:
            sessions.mark_reported(row, outcome.now)
        self.runtime.publish(self, "completion", {"completion": 1.0})


def _decimal(value, name, *, default):
    if value is None or value == "":
        return default
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise JsonHandlerError(400, f"bad {name}") from None
    if not number.is_finite():
        raise JsonHandlerError(400, f"bad {name}")
    return number


def _integer(value, name):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise JsonHandlerError(400, f"bad {name}") from None
