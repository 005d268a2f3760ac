"""
System checks for ``CADRE_SYNC`` (ids ``cadre_sync.E001``... are stable; docs/sync.md).

A sync that is misconfigured fails at start-up, not at 3 a.m. in a worker log.
"""
from django.conf import settings
from django.core.checks import Error, Warning, register  # pylint: disable=redefined-builtin
from django.utils.module_loading import import_string

from sync_adapter.conf import sync_config, unknown_keys

NUMERIC = {
    "BATCH_SIZE": (1, None), "CONNECT_TIMEOUT": (0.001, None), "READ_TIMEOUT": (0.001, None),
    "POOL_MAXSIZE": (1, None), "MAX_ATTEMPTS": (1, None), "RETRY_BASE_DELAY": (0, None),
    "RETRY_MAX_DELAY": (0, None), "RETRY_JITTER": (0, 1), "RATE_LIMIT_DEFAULT_DELAY": (0, None),
    "RATE_LIMIT_MAX_DELAY": (0, None), "LEASE_SECONDS": (1, None), "DRAIN_TIME_LIMIT": (0, None),
    "DRAIN_INTERVAL": (0, None), "RECONCILE_INTERVAL": (0, None),
}


def _importable(path):
    try:
        return import_string(path), None
    except ImportError as exc:
        return None, exc


@register("cadre_sync")
def check_sync_settings(app_configs=None, **kwargs):  # pylint: disable=unused-argument
    """Validate the CADRE_SYNC dict."""
    errors = []
    config = sync_config()
    if unknown_keys():
        errors.append(Error(f"CADRE_SYNC has unknown keys: {', '.join(unknown_keys())}",
                            hint="See docs/sync.md for the keys.", id="cadre_sync.E001"))
    url = config["REGISTRY_URL"] or ""
    if not url:
        errors.append(Warning("CADRE_SYNC['REGISTRY_URL'] is empty: ledger changes queue up in the "
                              "outbox but nothing is delivered.", id="cadre_sync.W001"))
    elif not url.startswith("https://") and not (settings.DEBUG or config["ALLOW_INSECURE_HTTP"]):
        errors.append(Error("CADRE_SYNC['REGISTRY_URL'] must use https:// (records carry ID numbers).",
                            hint="ALLOW_INSECURE_HTTP is for tests and the sandbox only.", id="cadre_sync.E002"))
    adapter, problem = _importable(config["ADAPTER"])
    from sync_adapter.adapters.base import RegistryAdapter  # pylint: disable=import-outside-toplevel

    if problem or not (isinstance(adapter, type) and issubclass(adapter, RegistryAdapter)):
        errors.append(Error(f"CADRE_SYNC['ADAPTER'] is not a RegistryAdapter subclass: {config['ADAPTER']}",
                            id="cadre_sync.E003"))
    if url and (not config["ACTIVE_KEY_ID"] or not (config["SIGNING_KEYS"] or {}).get(config["ACTIVE_KEY_ID"])):
        errors.append(Error("CADRE_SYNC['ACTIVE_KEY_ID'] must name a key with a secret in SIGNING_KEYS.",
                            id="cadre_sync.E004"))
    for name, (low, high) in NUMERIC.items():
        value = config[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low or (
                high is not None and value > high):
            errors.append(Error(f"CADRE_SYNC['{name}'] must be a number in [{low}, {high or '∞'}], not {value!r}",
                                id="cadre_sync.E005"))
    if not any(e.id == "cadre_sync.E005" for e in errors):
        worst = float(config["CONNECT_TIMEOUT"]) + float(config["READ_TIMEOUT"])
        if float(config["LEASE_SECONDS"]) <= 2 * worst:
            errors.append(Error("CADRE_SYNC['LEASE_SECONDS'] must exceed twice CONNECT_TIMEOUT + READ_TIMEOUT, "
                                "or a slow request outlives its lease and the batch is sent twice.",
                                id="cadre_sync.E006"))
    for name in ("IDENTITY_BATCH_PROVIDER", "IDENTITY_PROVIDER", "YEAR_TOTALS_PROVIDER", "LEDGER_ENTRY_PROVIDER",
                 "TRANSFER_PROVIDER", "CORRECTIONS_PROVIDER"):
        if not config.get(name) and name == "IDENTITY_BATCH_PROVIDER":
            continue
        _, problem = _importable(config[name])
        if problem:
            errors.append(Warning(f"CADRE_SYNC['{name}'] cannot be imported yet: {config[name]}",
                                  id="cadre_sync.W002"))
    return errors
