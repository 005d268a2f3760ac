"""
The learner's JSON handlers: parse, call :mod:`sessions`, shape the answer.

The heartbeat protocol (every field of every request and response) is documented in
docs/xblock.md; :func:`response_payload` is its response contract.  Nothing here
decides how much time counts: that is :mod:`verification`'s job.
"""
import functools
import json
import logging
from decimal import Decimal

from webob import Response
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError

from . import clock, i18n, picture, policy, protocol, questions, review, sessions
from . import verification as v
from .compat import LearnerRef, client_of, course_key_of, current_user, current_user_id, in_library, usage_key_of
from .conf import credits_setting
from .state import check_for_browser

log = logging.getLogger(__name__)


def learner_json_handler(func):
    """
    Like ``XBlock.json_handler``, with the protocol's bounds (ADR 0022): the body must
    be a JSON object of at most ``protocol.MAX_BODY_BYTES``; any :class:`protocol.BadRequest`
    raised while reading it (or by the storage layer before it writes) is a 400
    ``{"error": code}`` with a stable code.  The method receives the webob request too
    (the client's address and browser for the shared-device review).
    """

    @XBlock.handler
    @functools.wraps(func)
    def wrapper(self, request, suffix=""):
        if request.method != "POST":
            return JsonHandlerError(405, "Method must be POST").get_response(allow=["POST"])
        try:
            body = request.body
            if len(body) > protocol.MAX_BODY_BYTES:
                raise protocol.BadRequest(protocol.BAD_BODY)
            try:
                data = json.loads(body.decode("utf-8"))
            except (ValueError, RecursionError):
                raise protocol.BadRequest(protocol.BAD_JSON) from None
            response = func(self, protocol.require_object(data), request)
        except protocol.BadRequest as bad:
            return JsonHandlerError(400, bad.code).get_response()
        except JsonHandlerError as err:
            return err.get_response()
        return Response(json.dumps(response), content_type="application/json", charset="utf8")

    return wrapper


def _throttle(user_id):
    """429 ``throttled`` when the learner calls the handlers faster than the plugin's rate limit."""
    wait = policy.request_wait(user_id)
    if wait is not None:
        raise JsonHandlerError(429, "throttled")


class LearnerHandlersMixin:
    """``start_session``, ``heartbeat``, ``answer_check`` and ``check_picture``."""

    @learner_json_handler
    def start_session(self, data, request):
        """Open a live session (superseding any other of this learner) and return its token."""
        user = self._learner()
        if int(self.duration_seconds or 0) <= 0:
            raise JsonHandlerError(409, "not_configured")
        spec = self.block_spec()
        position = protocol.start_position(data, duration=spec.duration, slack=_slack())
        learning = policy.learning_rules(user)
        outcome = sessions.start_session(user, spec, now=clock.now(), position=position,
                                         learning=learning, client=client_of(request))
        review.after_start(outcome)
        payload = self.response_payload(outcome)
        payload.update({
            "token": outcome.token,
            "seq": 0,
            "heartbeat_interval": credits_setting("HEARTBEAT_INTERVAL_SECONDS"),
            "max_playback_rate": float(learning[0]),
            "resume_at": float(outcome.result.session.position),
        })
        return payload

    @learner_json_handler
    def heartbeat(self, data, request):
        """Credit the interval since the previous accepted request."""
        user = self._learner_ref()
        spec = self.block_spec()
        body = protocol.heartbeat(data, duration=spec.duration, slack=_slack())
        beat = v.Heartbeat(seq=body.seq, position=body.position, rate=body.rate, visible=body.visible,
                           focused=body.focused, idle_seconds=body.idle_seconds)
        outcome = sessions.record_heartbeat(user, spec, body.token, beat, now=clock.now())
        return self.response_payload(outcome)

    @learner_json_handler
    def answer_check(self, data, request):
        """Settle the pending attention check (``answer``: a choice id, or a list of them)."""
        user = self._learner_ref()
        body = protocol.answer(data)
        outcome = sessions.record_answer(
            user, self.block_spec(), body.token, seq=body.seq, check_id=body.check_id, answer=body.answer,
            now=clock.now(),
        )
        review.after_answer(outcome)
        payload = self.response_payload(outcome)
        payload["passed"] = v.CHECK_PASSED in payload["reasons"]
        return payload

    @XBlock.handler
    def check_picture(self, request, suffix=""):
        """
        The picture of the learner's pending picture check (PNG), the only place its
        number exists outside the server.  404 unless the signed-in learner has a
        pending picture check in this block with the id asked for (``?check=``).
        """
        user_id = current_user_id(self)
        check = sessions.pending_check(user_id, usage_key_of(self)) if user_id is not None else None
        if check is None or check.kind != v.CHECK_PICTURE or request.GET.get("check") != check.check_id:
            return Response(status=404, cache_control="no-store")
        response = Response(body=picture.render(check), content_type="image/png")
        response.cache_control = "no-store, private"
        return response

    # ------------------------------------------------------------------ helpers

    def _learner(self):
        user = current_user(self)
        if user is None:
            raise JsonHandlerError(401, "anonymous")
        _throttle(user.pk)
        return user

    def _learner_ref(self):
        """The learner's id only: the hot path never loads the user row."""
        user_id = current_user_id(self)
        if user_id is None:
            raise JsonHandlerError(401, "anonymous")
        _throttle(user_id)
        return LearnerRef(int(user_id))

    def block_spec(self):
        """What the session engine needs of this block; refused (400) in a content library."""
        if in_library(self):
            raise JsonHandlerError(400, str(i18n.LIBRARY_NO_TIME))
        return sessions.BlockSpec(
            course_key=course_key_of(self), usage_key=usage_key_of(self),
            duration=Decimal(max(0, int(self.duration_seconds or 0))), kind=self.media_kind,
            checks_required=max(0, int(self.checks_required or 0)), required_share=self.required_share_decimal(),
            questions=questions.for_rules(self.questions),
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
            "seq": result.session.seq,
            "progress": self.progress_payload(outcome.progress, outcome.rules),
        }
        if outcome.newly_completed:
            payload["year"] = self._year_payload(current_user(self))
        return payload

    def _check_payload(self, check, now):
        data = check_for_browser(check, now)
        data["question"] = check.text if check.kind == v.CHECK_QUESTION else str(i18n.PICTURE_QUESTION)
        data["hint"] = str(i18n.MULTIPLE_HINT if check.multiple else i18n.SINGLE_HINT)
        if check.kind == v.CHECK_PICTURE:
            data["picture"] = {"alt": str(i18n.PICTURE_ALT)}
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


def _slack():
    return Decimal(credits_setting("POSITION_SLACK_SECONDS"))
