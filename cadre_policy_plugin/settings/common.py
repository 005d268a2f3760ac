"""
Defaults for the ``CADRE_POLICY`` settings dict (one namespaced dict, DRF style).

Every key is documented in docs/plugin.md and read through
:func:`cadre_policy_plugin.conf.cadre_setting`, which refuses unknown keys; the
system checks in ``checks.py`` (``cadre_policy.E001``...) report misconfiguration at
start-up.  No Django import at module level: ``tests/settings.py`` and the LMS
settings import this file before Django is configured.
"""

DEFAULTS = {
    # Award a course's hours when Open edX sends CERTIFICATE_CREATED (passing cert).
    "AWARD_ON_CERTIFICATE": True,
    # When awarding on a certificate, also demand that every registered credit block
    # of the course was verified (the server, not the browser, decides learning time).
    "CERTIFICATE_AWARD_REQUIRES_VERIFIED_TIME": True,
    # Reverse the course's hours when Open edX sends CERTIFICATE_REVOKED.
    "REVERSE_ON_CERTIFICATE_REVOKED": True,
    # Record exam passes from COURSE_PASSING_STATUS_UPDATED (required hours and exam
    # bonus credits may depend on them).
    "RECORD_COURSE_PASSING": True,
    # The CertificateCreationRequested step refuses certificates while verified
    # learning time is short or the learner has no approved real-name profile.
    "CERTIFICATE_GATE": True,
    # The CourseEnrollmentStarted step refuses enrollment in cadre courses (those
    # with a credit spec) to users without an active, approved profile.
    "ENROLLMENT_GATE": True,
    # Issue the annual completion certificate (结业证书) when a year becomes met under
    # a policy pack that grants it (Anhui Art. 11).
    "ANNUAL_CERTIFICATE": True,
    # Name of the issuing academy printed on the annual certificate.
    "CERTIFICATE_ISSUER": "干部网络学院",
    # Absolute URL of the public verification page printed on the certificate; empty
    # means the relative path of this plugin's verification view.
    "CERTIFICATE_VERIFY_URL": "",
    # A TrueType (.ttf/.ttc, glyf outlines) CJK font for the certificate; empty means
    # the font shipped in cadre_policy_plugin/fonts/.
    "CERTIFICATE_FONT_PATH": "",
    # Policy pack key used when no node up a learner's organisation tree carries one.
    "DEFAULT_POLICY_KEY": "",
    # Secret for the keyed hash of ID numbers (lookup and uniqueness).  Empty falls
    # back to SECRET_KEY (system check cadre_policy.W001): rotating SECRET_KEY would
    # then break lookups, so production sets its own and never changes it.
    "ID_NUMBER_HASH_KEY": "",
    # Recompute the current year's status of every learner below an organisation
    # node when its policy or overlay changes (synchronously; large trees can turn
    # this off and run ``manage.py cadre_recompute_year_status`` instead).
    "RECOMPUTE_ON_POLICY_CHANGE": True,
    # Add this plugin's pipeline steps to OPEN_EDX_FILTERS_CONFIG when the settings are
    # loaded (kept: an operator's own steps and fail_silently flag).  Turn off to wire
    # the steps by hand.
    "INSTALL_FILTER_STEPS": True,
    # Evidence documents (uploaded with an entry): the largest file accepted, in bytes.
    "EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
    # The file types accepted, recognised by their first bytes (never the extension or
    # the browser's claim); a subset of application/pdf, image/jpeg, image/png.
    "EVIDENCE_CONTENT_TYPES": ["application/pdf", "image/jpeg", "image/png"],
    # Folder in Django's default storage for evidence files (dated sub-folders below).
    "EVIDENCE_UPLOAD_DIR": "cadre_evidence",
    # Roster and entry imports (CSV or XLSX): the largest file accepted, in bytes, and
    # the most data rows in one file (split larger rosters; one file is one transaction).
    "IMPORT_MAX_BYTES": 5 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 20000,
    # The Django template the plugin's own pages (learner home, console, certificate
    # verification) extend: it must define the blocks ``title``, ``head``, ``content`` and
    # ``scripts``.  The default is a standalone page with the plugin's header and a
    # language switch; a host sets its own chrome (the sandbox uses "sandbox/base.html").
    "PAGE_BASE_TEMPLATE": "cadre_policy/base.html",
}

# The evidence types this plugin can recognise by their first bytes.
EVIDENCE_SNIFFABLE_TYPES = ("application/pdf", "image/jpeg", "image/png")

# The openedx-filters types and this plugin's step for each (strings, so settings can
# be built before Django is ready; a test checks them against the real filter classes).
FILTER_STEPS = {
    "org.openedx.learning.certificate.creation.requested.v1":
        "cadre_policy_plugin.pipeline.RequireVerifiedLearningTime",
    "org.openedx.learning.course.enrollment.started.v1":
        "cadre_policy_plugin.pipeline.RequireApprovedProfile",
}


def install_filter_steps(filters_config):
    """
    ``OPEN_EDX_FILTERS_CONFIG`` with this plugin's steps appended to their pipelines.

    A filter nobody configured gets ``fail_silently: False`` (a step that cannot be
    imported must stop certificates, not let them through); an existing entry keeps
    its own flag and steps.
    """
    config = dict(filters_config or {})
    for filter_type, step in FILTER_STEPS.items():
        entry = config.get(filter_type)
        if entry is None:
            config[filter_type] = {"pipeline": [step], "fail_silently": False}
            continue
        if not isinstance(entry, dict):
            entry = {"pipeline": list(entry) if isinstance(entry, list | tuple) else [entry]}
        pipeline = list(entry.get("pipeline", []))
        if step not in pipeline:
            pipeline.append(step)
        config[filter_type] = {**entry, "pipeline": pipeline}
    return config


def plugin_settings(settings):
    """Add this plugin's defaults without overwriting what the operator set."""
    current = getattr(settings, "CADRE_POLICY", {}) or {}
    settings.CADRE_POLICY = {**DEFAULTS, **current}
    if settings.CADRE_POLICY.get("INSTALL_FILTER_STEPS", True):
        settings.OPEN_EDX_FILTERS_CONFIG = install_filter_steps(getattr(settings, "OPEN_EDX_FILTERS_CONFIG", None))
