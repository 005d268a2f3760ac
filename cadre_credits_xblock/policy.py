"""
The block's only door to the policy plugin: ``cadre_policy_plugin.api``.

Imported lazily, in one module, so the block can be rendered and tested even where
the plugin's models are not migrated yet, and so tests have one place to look at
what the block asks of the plugin (conventions: ``api.py`` is the door between apps).
"""
import logging
from decimal import Decimal

from .conf import credits_setting

log = logging.getLogger(__name__)


def _api():
    from cadre_policy_plugin import api  # noqa: PLC0415  (lazy: see module docstring)

    return api


def learning_rules(user):
    """``(max_playback_rate, daily_cap_seconds | None)`` from the learner's policy pack."""
    rules = _api().learning_rules_for(user) or {}
    rate = rules.get("max_playback_rate")
    if rate is None:
        rate = credits_setting("FALLBACK_MAX_PLAYBACK_RATE")
    minutes = rules.get("daily_cap_minutes", credits_setting("FALLBACK_DAILY_CAP_MINUTES"))
    cap = Decimal(int(minutes) * 60) if minutes else None
    return Decimal(str(rate)), cap


def request_wait(user_id):
    """Seconds to wait before the next handler call (the plugin's rate limit), or ``None``."""
    return _api().learner_request_wait(user_id)


def year_summary(user):
    """The learner's hours this year against the quota (``api.learner_year_summary``)."""
    return _api().learner_year_summary(user)


def calendar(user):
    """Where today stands in the learner's academic calendar (``api.learner_calendar``), or None."""
    return _api().learner_calendar(user)


def year_progress(user):
    """This year against each requirement, as on the learner home (``api.learner_year_progress``)."""
    return _api().learner_year_progress(user)


def course_spec(course_key):
    """The course's credit spec (category, hours, topic...), or None when untagged."""
    return _api().get_course_credit_spec(course_key)


def save_course_spec(course_key, **fields):
    """Store the course's credit spec: the plugin keeps the one source of truth."""
    return _api().set_course_credit_spec(course_key, **fields)


def register_block(course_key, usage_key, required_seconds):
    """Tell the plugin this block must be verified before the course's hours count."""
    return _api().register_credit_block(course_key, usage_key, required_seconds)


def report_verified(user, course_key, usage_key, *, verified_seconds, session_ids, verified_at=None):
    """Tell the plugin the block is verified (and when); it awards the course hours when due."""
    return _api().report_block_verified(
        user, course_key, usage_key, verified_seconds=verified_seconds, session_ids=session_ids,
        verified_at=verified_at,
    )


def report_suspicious(user_id, *, kind, course_key, usage_key, session_id, observed_at, detail):
    """Open (or add to) a case on the unit console's review list; nothing is revoked by it."""
    return _api().report_suspicious_session(
        user_id, kind=kind, course_key=course_key, usage_key=usage_key, session_id=session_id,
        observed_at=observed_at, detail=detail,
    )
