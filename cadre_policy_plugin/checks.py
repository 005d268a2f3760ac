"""
Django system checks for the plugin's settings (stable ids: ``cadre_policy.E001``...).

They run at start-up (``manage.py check``, every ``runserver``/``migrate``) so a typo
in ``CADRE_POLICY`` or a gate that is switched on but not wired into
``OPEN_EDX_FILTERS_CONFIG`` is reported before a learner meets it.
"""
import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from cadre_policy_plugin.settings.common import DEFAULTS, FILTER_STEPS

SWITCHES = ("AWARD_ON_CERTIFICATE", "CERTIFICATE_AWARD_REQUIRES_VERIFIED_TIME", "REVERSE_ON_CERTIFICATE_REVOKED",
            "RECORD_COURSE_PASSING", "CERTIFICATE_GATE", "ENROLLMENT_GATE", "ANNUAL_CERTIFICATE",
            "RECOMPUTE_ON_POLICY_CHANGE", "INSTALL_FILTER_STEPS", "SIGN_IN_BY_ID_NUMBER",
            "FORCE_INITIAL_PASSWORD_CHANGE", "SELF_REGISTRATION", "LEAVING_ENDS_SIGN_IN")
GATE_FOR_FILTER = {
    "org.openedx.learning.certificate.creation.requested.v1": "CERTIFICATE_GATE",
    "org.openedx.learning.course.enrollment.started.v1": "ENROLLMENT_GATE",
}


def _configured():
    return getattr(settings, "CADRE_POLICY", None) or {}


@register(Tags.compatibility)
def check_settings_shape(app_configs=None, **kwargs):
    """E001 not a dict / unknown keys; E002 a switch that is not a boolean."""
    value = getattr(settings, "CADRE_POLICY", None) or {}
    if not isinstance(value, dict):
        return [Error("CADRE_POLICY must be a dict.", id="cadre_policy.E001")]
    problems = []
    unknown = sorted(set(value) - set(DEFAULTS))
    if unknown:
        problems.append(Error(f"CADRE_POLICY has unknown key(s): {', '.join(unknown)}.",
                              hint=f"Known keys: {', '.join(sorted(DEFAULTS))} (docs/plugin.md).",
                              id="cadre_policy.E001"))
    for key in SWITCHES:
        if key in value and not isinstance(value[key], bool):
            problems.append(Error(f"CADRE_POLICY['{key}'] must be True or False, not {value[key]!r}.",
                                  id="cadre_policy.E002"))
    return problems


@register(Tags.compatibility)
def check_policy_and_font(app_configs=None, **kwargs):
    """
    E003 the default policy pack does not load; E004 the certificate font file is missing;
    E010 the seal image is missing; E011 the verification URL printed on certificates is
    not absolute (a path is useless on paper and in a QR code).
    """
    value = _configured()
    if not isinstance(value, dict):
        return []
    problems = []
    key = value.get("DEFAULT_POLICY_KEY")
    if key:
        from cadre_policy_plugin import rules
        from cadre_policy_plugin.policy import installed_policy_keys

        try:
            if key not in installed_policy_keys():
                raise rules.PackError("DEFAULT_POLICY_KEY", "not an installed pack key or region (never a path)")
            rules.load_pack(key)
        except rules.PackError as exc:
            problems.append(Error(f"CADRE_POLICY['DEFAULT_POLICY_KEY'] = {key!r} does not load: {exc}",
                                  hint="Use a key listed by `cadre-hours policies list`.", id="cadre_policy.E003"))
    font = value.get("CERTIFICATE_FONT_PATH")
    if font and not os.path.isfile(font):
        problems.append(Error(f"CADRE_POLICY['CERTIFICATE_FONT_PATH'] = {font!r} is not a file.",
                              hint="Give a TrueType (.ttf/.ttc) CJK font, or leave it empty for the shipped one.",
                              id="cadre_policy.E004"))
    seal = value.get("CERTIFICATE_SEAL_IMAGE")
    if seal and not os.path.isfile(seal):
        problems.append(Error(f"CADRE_POLICY['CERTIFICATE_SEAL_IMAGE'] = {seal!r} is not a file.",
                              hint="Give the academy's own seal as PNG/JPEG, or leave it empty (no seal).",
                              id="cadre_policy.E010"))
    verify = value.get("CERTIFICATE_VERIFY_URL")
    if verify and not str(verify).startswith(("https://", "http://")):
        problems.append(Error(f"CADRE_POLICY['CERTIFICATE_VERIFY_URL'] = {verify!r} is not an absolute URL.",
                              hint="Give https://host/cadre/certificates/verify/ or leave it empty.",
                              id="cadre_policy.E011"))
    return problems


@register(Tags.security)
def check_hash_key(app_configs=None, **kwargs):
    """W001 the ID-number hash key falls back to SECRET_KEY."""
    value = _configured()
    if isinstance(value, dict) and not value.get("ID_NUMBER_HASH_KEY"):
        return [Warning("CADRE_POLICY['ID_NUMBER_HASH_KEY'] is empty; ID numbers are hashed with SECRET_KEY.",
                        hint="Set a long random secret and never change it: rotating SECRET_KEY would break "
                             "ID-number lookups and the one-person-one-account rule (ADR 0011).",
                        id="cadre_policy.W001")]
    return []


def _pipeline(entry):
    if isinstance(entry, dict):
        return list(entry.get("pipeline", [])), entry.get("fail_silently", True)
    if isinstance(entry, list | tuple):
        return list(entry), True
    return [entry], True


@register(Tags.compatibility)
def check_filter_wiring(app_configs=None, **kwargs):
    """
    W002 a gate is on but its step is not in the filter's pipeline (the gate does
    nothing); W003 the step's pipeline has ``fail_silently`` on (a step that fails to
    import is skipped, so certificates or enrollments would pass unchecked).
    """
    value = _configured()
    if not isinstance(value, dict):
        return []
    filters = getattr(settings, "OPEN_EDX_FILTERS_CONFIG", None) or {}
    problems = []
    for filter_type, step in FILTER_STEPS.items():
        switch = GATE_FOR_FILTER[filter_type]
        if not value.get(switch, DEFAULTS[switch]):
            continue
        pipeline, fail_silently = _pipeline(filters.get(filter_type, {"pipeline": []}))
        if step not in pipeline:
            problems.append(Warning(
                f"CADRE_POLICY['{switch}'] is on but {step} is not in OPEN_EDX_FILTERS_CONFIG['{filter_type}'].",
                hint="Keep CADRE_POLICY['INSTALL_FILTER_STEPS'] on, or add the step yourself (docs/plugin.md).",
                id="cadre_policy.W002"))
        elif fail_silently:
            problems.append(Warning(
                f"OPEN_EDX_FILTERS_CONFIG['{filter_type}'] has fail_silently on: if {step} fails, "
                f"the {switch.lower().replace('_', ' ')} is silently skipped.",
                hint="Set 'fail_silently': False for this filter.", id="cadre_policy.W003"))
    return problems


@register(Tags.compatibility)
def check_upload_limits(app_configs=None, **kwargs):
    """
    E005 an upload, import or close-chunk limit that is not a positive whole number; E006 evidence
    content types that are empty or that the plugin cannot recognise by their bytes
    (a type it cannot sniff would either be refused always or accepted unchecked).
    """
    from cadre_policy_plugin.settings.common import EVIDENCE_SNIFFABLE_TYPES

    value = _configured()
    if not isinstance(value, dict):
        return []
    problems = []
    for key in ("EVIDENCE_MAX_BYTES", "IMPORT_MAX_BYTES", "IMPORT_MAX_ROWS", "CLOSE_CHUNK_SIZE",
                "CLOSE_CHUNK_LEASE_SECONDS", "IMPORT_MAX_UNCOMPRESSED_BYTES", "IMPORT_MAX_COMPRESSION_RATIO"):
        limit = value.get(key, DEFAULTS[key])
        if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
            problems.append(Error(f"CADRE_POLICY['{key}'] must be a positive whole number, not {limit!r}.",
                                  id="cadre_policy.E005"))
    types = value.get("EVIDENCE_CONTENT_TYPES", DEFAULTS["EVIDENCE_CONTENT_TYPES"])
    if (not isinstance(types, list | tuple) or not types
            or any(item not in EVIDENCE_SNIFFABLE_TYPES for item in types)):
        problems.append(Error(f"CADRE_POLICY['EVIDENCE_CONTENT_TYPES'] = {types!r} is not a non-empty list of "
                              f"{', '.join(EVIDENCE_SNIFFABLE_TYPES)}.",
                              hint="Evidence files are recognised by their first bytes; only these types are known.",
                              id="cadre_policy.E006"))
    return problems


@register(Tags.security)
def check_sign_in(app_configs=None, **kwargs):
    """
    W004 a fixed initial password is configured (every learner starts with the same
    password: anyone who knows it and an ID number can take an account that was never
    signed in); E007 a sign-in limit that is not a positive whole number; W005 sign-in
    by ID number is on but the backend is not in ``AUTHENTICATION_BACKENDS``; W006 the
    forced change is on but its middleware is missing from ``MIDDLEWARE``.
    """
    from cadre_policy_plugin.settings.common import PASSWORD_CHANGE_MIDDLEWARE, SIGN_IN_BACKEND

    value = _configured()
    if not isinstance(value, dict):
        return []
    problems = []
    if value.get("INITIAL_PASSWORD"):
        problems.append(Warning(
            "CADRE_POLICY['INITIAL_PASSWORD'] is set: every imported, approved or reset learner gets the same "
            "initial password.",
            hint="Leave it empty for a random password per learner, shown once to the administrator; keep a fixed "
                 "one only where the academy insists (ADR 0016).", id="cadre_policy.W004"))
    for key in ("SIGN_IN_MAX_FAILURES", "SIGN_IN_MAX_FAILURES_PER_CLIENT", "SIGN_IN_LOCKOUT_SECONDS",
                "INITIAL_PASSWORD_LENGTH"):
        limit = value.get(key, DEFAULTS[key])
        if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
            problems.append(Error(f"CADRE_POLICY['{key}'] must be a positive whole number, not {limit!r}.",
                                  id="cadre_policy.E007"))
    if (value.get("SIGN_IN_BY_ID_NUMBER", DEFAULTS["SIGN_IN_BY_ID_NUMBER"])
            and SIGN_IN_BACKEND not in getattr(settings, "AUTHENTICATION_BACKENDS", [])):
        problems.append(Warning(f"CADRE_POLICY['SIGN_IN_BY_ID_NUMBER'] is on but {SIGN_IN_BACKEND} is not in "
                                "AUTHENTICATION_BACKENDS.",
                                hint="Let plugin_settings add it, or add it yourself before ModelBackend.",
                                id="cadre_policy.W005"))
    if (value.get("FORCE_INITIAL_PASSWORD_CHANGE", DEFAULTS["FORCE_INITIAL_PASSWORD_CHANGE"])
            and PASSWORD_CHANGE_MIDDLEWARE not in getattr(settings, "MIDDLEWARE", [])):
        problems.append(Warning(f"CADRE_POLICY['FORCE_INITIAL_PASSWORD_CHANGE'] is on but {PASSWORD_CHANGE_MIDDLEWARE} "
                                "is not in MIDDLEWARE: learners keep their initial passwords.",
                                hint="Let plugin_settings add it after AuthenticationMiddleware.",
                                id="cadre_policy.W006"))
    return problems


@register(Tags.security)
def check_throttles(app_configs=None, **kwargs):
    """
    E010 a rate in THROTTLE_RATES that DRF cannot read, or a THROTTLE_CACHE that is not
    a configured cache (the throttles would fail on the first request, not at start-up).
    """
    from rest_framework.throttling import SimpleRateThrottle

    value = _configured()
    if not isinstance(value, dict):
        return []
    problems = []
    rates = value.get("THROTTLE_RATES", DEFAULTS["THROTTLE_RATES"])
    if not isinstance(rates, dict):
        rates = {"(THROTTLE_RATES)": rates}
    for scope, rate in rates.items():
        try:
            if rate is not None:
                num, _period = rate.split("/")
                if int(num) <= 0:
                    raise ValueError(rate)
                SimpleRateThrottle.parse_rate(None, rate)
        except (AttributeError, KeyError, ValueError, TypeError):
            problems.append(Error(f"CADRE_POLICY['THROTTLE_RATES'][{scope!r}] = {rate!r} is not a rate such as "
                                  "'30/min' (or None to switch it off).", id="cadre_policy.E010"))
    alias = value.get("THROTTLE_CACHE", DEFAULTS["THROTTLE_CACHE"])
    if alias not in getattr(settings, "CACHES", {"default": {}}):
        problems.append(Error(f"CADRE_POLICY['THROTTLE_CACHE'] = {alias!r} is not a key of CACHES.",
                              id="cadre_policy.E010"))
    return problems
