"""
Defaults for the ``CADRE_SYNC`` settings dict; every key is documented in docs/sync.md.

Read them through :func:`sync_adapter.conf.sync_setting`, which refuses unknown keys;
the system checks in ``sync_adapter/checks.py`` (``cadre_sync.E001``...) report a
misconfiguration at start-up.  No Django import at module level: the LMS settings
(and ``tests/settings.py``) import this file before Django is configured.
"""
from datetime import timedelta

DEFAULTS = {
    # Base URL of the provincial registry (``https://...``).  Empty: the outbox is
    # still written for every ledger change, but nothing is sent (warning W001).
    "REGISTRY_URL": "",
    # Dotted path of the RegistryAdapter subclass that speaks the registry's format.
    "ADAPTER": "sync_adapter.adapters.json_batch.JsonBatchAdapter",
    # Dotted path of ``f(user_ids) -> {user_id: RegistryIdentity}`` called once per
    # batch at send time, so the ID number is never stored in the outbox; a learner
    # left out has no identity (dead letter).  Empty: IDENTITY_PROVIDER per learner.
    "IDENTITY_BATCH_PROVIDER": "cadre_policy_plugin.api.registry_identities",
    # Dotted path of ``f(user_id) -> RegistryIdentity`` (one learner), used when
    # IDENTITY_BATCH_PROVIDER is empty.
    "IDENTITY_PROVIDER": "cadre_policy_plugin.api.registry_identity",
    # Dotted paths of the ledger read functions used by reconciliation.
    "YEAR_TOTALS_PROVIDER": "cadre_policy_plugin.api.year_totals",
    "LEDGER_ENTRY_PROVIDER": "cadre_policy_plugin.api.get_ledger_entry",
    # Dotted paths of the identity-correction read functions: one correction by uuid
    # (the transfer's old and new ID number, looked up at send time), and every
    # correction of some users (reconciliation checks nothing is left under an old number).
    "TRANSFER_PROVIDER": "cadre_policy_plugin.api.identity_correction",
    "CORRECTIONS_PROVIDER": "cadre_policy_plugin.api.identity_corrections_for",
    # HMAC-SHA256 keys shared with the registry: {key_id: secret}.  Several keys may be
    # listed during a rotation; requests are signed with ACTIVE_KEY_ID.
    "SIGNING_KEYS": {},
    "ACTIVE_KEY_ID": "",
    # Records per registry request (the registry may cap it lower).
    "BATCH_SIZE": 200,
    # Seconds to open the TCP/TLS connection, and to wait for the response.
    "CONNECT_TIMEOUT": 3.05,
    "READ_TIMEOUT": 30.0,
    # Pooled connections kept open per registry host.
    "POOL_MAXSIZE": 4,
    # Transient failures (5xx, timeouts, connection errors, per-record "retry") a
    # record may have before it becomes a dead letter.
    "MAX_ATTEMPTS": 10,
    # Exponential backoff: BASE * 2**(attempt-1) seconds, capped at MAX, then reduced
    # by a random fraction of at most JITTER (0..1) so retries do not stampede.
    "RETRY_BASE_DELAY": 30.0,
    "RETRY_MAX_DELAY": 3600.0,
    "RETRY_JITTER": 0.5,
    # 429 without a usable Retry-After waits DEFAULT; a Retry-After is honoured up to
    # MAX.  A 429 never consumes an attempt and never makes a dead letter.
    "RATE_LIMIT_DEFAULT_DELAY": 60.0,
    "RATE_LIMIT_MAX_DELAY": 3600.0,
    # How long a worker owns the rows it claimed.  Must exceed one request's worst
    # case (connect + read timeouts, times the bisection depth); a SIGKILLed worker's
    # rows are claimed again when it ends (system check E006).
    "LEASE_SECONDS": 300,
    # One drain task keeps claiming batches for at most this many seconds.
    "DRAIN_TIME_LIMIT": 50.0,
    # Beat schedule: how often a drain task is queued, and how often reconciliation
    # runs (seconds).  0 leaves the entry out of the schedule.
    "DRAIN_INTERVAL": 10.0,
    "RECONCILE_INTERVAL": 86400.0,
    # The periodic reconciliation re-queues ledger entries missing in the registry.
    "RECONCILE_REQUEUE_MISSING": False,
    # Queue a drain right after each ledger transaction commits (the sandbox, with
    # Celery eager, then delivers at once); the beat schedule is enough otherwise.
    "KICK_ON_COMMIT": False,
    # Allow an http:// REGISTRY_URL while DEBUG is False (tests and the sandbox only:
    # the payload carries ID numbers; system check E002).
    "ALLOW_INSECURE_HTTP": False,
}

#: Task names used by the beat schedule (kept here so settings need no app import).
DRAIN_TASK = "sync_adapter.tasks.drain_outbox"
RECONCILE_TASK = "sync_adapter.tasks.reconcile_registry"


def beat_schedule(config):
    """The periodic entries for ``CELERY_BEAT_SCHEDULE`` built from a CADRE_SYNC dict."""
    schedule = {}
    if float(config.get("DRAIN_INTERVAL") or 0) > 0:
        schedule["cadre-sync-drain-outbox"] = {
            "task": DRAIN_TASK,
            "schedule": timedelta(seconds=float(config["DRAIN_INTERVAL"])),
            # A tick that waits behind a long drain is worthless: drop it.
            "options": {"expires": float(config["DRAIN_INTERVAL"])},
        }
    if float(config.get("RECONCILE_INTERVAL") or 0) > 0:
        schedule["cadre-sync-reconcile"] = {
            "task": RECONCILE_TASK,
            "schedule": timedelta(seconds=float(config["RECONCILE_INTERVAL"])),
        }
    return schedule


def plugin_settings(settings):
    """Add this app's defaults and beat entries without overwriting the operator's."""
    current = getattr(settings, "CADRE_SYNC", {}) or {}
    settings.CADRE_SYNC = {**DEFAULTS, **current}
    entries = beat_schedule(settings.CADRE_SYNC)
    # Celery reads CELERY_BEAT_SCHEDULE with the Django namespace; older LMS settings
    # still use CELERYBEAT_SCHEDULE.  Fill whichever exists, never replace an entry.
    for name in ("CELERY_BEAT_SCHEDULE", "CELERYBEAT_SCHEDULE"):
        existing = getattr(settings, name, None)
        if existing is None and name == "CELERYBEAT_SCHEDULE":
            continue
        merged = dict(existing or {})
        for key, value in entries.items():
            merged.setdefault(key, value)
        setattr(settings, name, merged)
