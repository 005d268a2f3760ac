"""
Defaults for the ``CADRE_CREDITS`` settings dict (one namespaced dict, DRF style).

Every key is documented in docs/xblock.md and read through
:func:`cadre_credits_xblock.conf.credits_setting`, which refuses unknown keys.  No
Django import here: the LMS settings (and ``tests/settings.py``) import this file
before Django is configured.

The anti-cheating numbers live here rather than in the policy packs because they are
properties of the platform's measuring instrument (how often the browser reports,
how much network jitter to tolerate), not of a region's rules; the rules that ARE
regional (allowed playback rate, daily cap) come from the learner's policy pack
through ``cadre_policy_plugin.api.learning_rules_for``.
"""

DEFAULTS = {
    # Seconds between two heartbeats the browser is told to send.
    "HEARTBEAT_INTERVAL_SECONDS": 15,
    # Most wall-clock seconds one heartbeat can credit: a late heartbeat (network
    # trouble, a laptop waking up) earns this much at most.  Keep it about 2x the
    # heartbeat interval.
    "MAX_INTERVAL_SECONDS": 30,
    # Seconds without keyboard/pointer input after which the clock stops.  Video
    # lectures run long without input, so this is generous; attention checks catch
    # hang-up learning that simulates input.
    "IDLE_LIMIT_SECONDS": 600,
    # Seconds of media position the server tolerates beyond the verified frontier
    # (heartbeats arriving a little early or late).  Never adds credit by itself.
    "POSITION_SLACK_SECONDS": 5,
    # Seconds a learner has to answer an attention check.
    "CHECK_WINDOW_SECONDS": 60,
    # Lifetime of a signed session token; a session older than this must restart.
    "TOKEN_MAX_AGE_SECONDS": 12 * 3600,
    # Share of the media duration that must be verified before the block is complete.
    "DEFAULT_REQUIRED_SHARE": "0.95",
    # Used only when the policy plugin cannot say (no profile, no pack): the strict
    # defaults of the documents (1.0x, no daily cap).
    "FALLBACK_MAX_PLAYBACK_RATE": "1.0",
    "FALLBACK_DAILY_CAP_MINUTES": None,
    # The shared-device and multi-account review (ADR 0022).  Flags only open review
    # cases in the unit console; nothing is ever revoked automatically.
    # Days a session keeps its client address and browser (personal data); then
    # ``manage.py cadre_credits_purge_client_data`` blanks them.
    "CLIENT_DATA_RETENTION_DAYS": 90,
    # Live sessions of this many different accounts from one client (same address
    # and browser) at once open a case for each.  Offices behind one NAT share an
    # address; the browser string narrows it, the administrator judges the rest.
    "SHARED_CLIENT_MIN_ACCOUNTS": 2,
    # A session counts as live on its client if it was seen this recently.
    "SHARED_CLIENT_WINDOW_SECONDS": 120,
    # An answer faster than MIN_ANSWER_MS + READING_MS_PER_CHARACTER x (question and
    # choices' characters), by the server's clock, is faster than a person reads.
    "MIN_ANSWER_MS": 1200,
    "READING_MS_PER_CHARACTER": 40,
    # An account whose last UNIFORM_TIMING_MIN_CHECKS or more answers all took the
    # same time, within UNIFORM_TIMING_SPREAD_MS, is answered by a machine.
    "UNIFORM_TIMING_MIN_CHECKS": 4,
    "UNIFORM_TIMING_SPREAD_MS": 50,
}


def plugin_settings(settings):
    """Add this app's defaults without overwriting what the operator set."""
    current = getattr(settings, "CADRE_CREDITS", {}) or {}
    settings.CADRE_CREDITS = {**DEFAULTS, **current}
