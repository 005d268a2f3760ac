"""
Shared-device and multi-account flags: what the block tells the review list.

Three signs that a script, or one person, is studying for others (Anhui Art. 8: one
person, one account; Art. 13: no hang-up learning, no cheat software):

* ``shared_client`` — live sessions of different accounts from one client (the same
  address *and* browser) at the same time;
* ``fast_answers`` — an attention check answered faster than a person can read it
  (``MIN_ANSWER_MS`` + ``READING_MS_PER_CHARACTER`` per character of the question
  and its choices, by the server's clock, which only over-measures);
* ``uniform_timing`` — an account whose every answered check (at least
  ``UNIFORM_TIMING_MIN_CHECKS``) took the same time within ``UNIFORM_TIMING_SPREAD_MS``.

A flag only opens (or adds to) a case in the policy plugin through
``api.report_suspicious_session``; an administrator decides in the unit console.
Nothing here ever changes credited time.  Reports run after the learner's
transaction committed, and a failure is logged and swallowed: the learner's request
must not fail because the review list could not be told.  The client address and
browser are personal data: the plugin receives a keyed digest of them, never the
values, and nothing here logs them.
"""
import logging
from datetime import timedelta

from django.utils.crypto import salted_hmac

from . import policy
from .conf import credits_setting
from .models import AttentionCheck, LearningSession

log = logging.getLogger(__name__)

SHARED_CLIENT = "shared_client"
FAST_ANSWERS = "fast_answers"
UNIFORM_TIMING = "uniform_timing"


def after_start(outcome):
    """Look for other accounts live on the new session's client."""
    session = outcome.session
    if session is None or not session.client_address:
        return
    try:
        _shared_client(session, outcome.now)
    except Exception:  # the learner's lecture must start even if the review list cannot be told
        log.exception("Could not review session %s for a shared client", session.token_id)


def after_answer(outcome):
    """Look at the timing of the check this answer settled (and of the account's earlier ones)."""
    row = outcome.settled
    if row is None or row.response_ms is None:
        return
    try:
        _fast_answer(row, outcome.session, outcome.now)
        _uniform_timing(row, outcome.session, outcome.now)
    except Exception:
        log.exception("Could not review the answer timing of check %s", row.check_id)


def client_digest(address, user_agent) -> str:
    """A keyed digest naming a client in a case without its address or browser."""
    return salted_hmac("cadre_credits.review.client", f"{address}|{user_agent}").hexdigest()[:12]


def _shared_client(session, now):
    window = now - timedelta(seconds=int(credits_setting("SHARED_CLIENT_WINDOW_SECONDS")))
    live = list(
        LearningSession.objects.filter(client_address=session.client_address, user_agent=session.user_agent,
                                       status=LearningSession.LIVE, last_seen__gte=window)
        .only("token_id", "user_id", "course_key", "usage_key", "started")
    )
    accounts = sorted({row.user_id for row in live} | {session.user_id})
    if len(accounts) < int(credits_setting("SHARED_CLIENT_MIN_ACCOUNTS")):
        return
    digest = client_digest(session.client_address, session.user_agent)
    log.info("Sessions of %s accounts live at once on one client; review cases opened", len(accounts))
    for row in live:
        policy.report_suspicious(
            row.user_id, kind=SHARED_CLIENT, course_key=row.course_key, usage_key=row.usage_key,
            session_id=row.token_id, observed_at=now,
            detail={"accounts": accounts, "client": digest, "started": row.started.isoformat()},
        )


def _characters(row) -> int:
    return len(row.text or "") + sum(len(str(text)) for _id, text in row.choices or [])


def _fast_answer(row, session, now):
    needed = int(credits_setting("MIN_ANSWER_MS")) + int(credits_setting("READING_MS_PER_CHARACTER")) * _characters(row)
    if row.response_ms >= needed:
        return
    session = session or row.session
    policy.report_suspicious(
        row.user_id, kind=FAST_ANSWERS, course_key=session.course_key, usage_key=session.usage_key,
        session_id=session.token_id, observed_at=now,
        detail={"checks": [{"check": row.check_id, "response_ms": row.response_ms, "needed_ms": needed}]},
    )


def _uniform_timing(row, session, now):
    times = list(AttentionCheck.objects.filter(user_id=row.user_id, response_ms__isnull=False)
                 .values_list("response_ms", flat=True))
    if len(times) < int(credits_setting("UNIFORM_TIMING_MIN_CHECKS")):
        return
    if max(times) - min(times) > int(credits_setting("UNIFORM_TIMING_SPREAD_MS")):
        return
    session = session or row.session
    policy.report_suspicious(
        row.user_id, kind=UNIFORM_TIMING, course_key=session.course_key, usage_key=session.usage_key,
        session_id="", observed_at=now,
        detail={"answers": len(times), "lowest_ms": min(times), "highest_ms": max(times)},
    )
