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
    # Absolute URL of the public verification page printed on the certificate (and in
    # its QR code); empty means this plugin's verification view on the host that serves
    # the download, or on LMS_ROOT_URL (system check cadre_policy.E011: absolute if set).
    "CERTIFICATE_VERIFY_URL": "",
    # The academy's seal printed over its name on certificates and hours statements: a
    # path to a PNG (transparent background) or JPEG that the academy itself provides.
    # Empty (the default) prints no seal; the plugin never ships any organisation's seal.
    "CERTIFICATE_SEAL_IMAGE": "",
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
    # node when its policy or overlay changes: a close job (below) is queued when the
    # change commits, never run in the request.  Off: run
    # ``manage.py cadre_recompute_year_status`` by hand.
    "RECOMPUTE_ON_POLICY_CHANGE": True,
    # The year-end close (``cadre_recompute_year_status`` and the policy-change
    # recompute) as Celery tasks of this many learners each: one streaming ledger
    # query, one bulk write and one transaction per chunk (ADR 0017); 1000 measured
    # 5–10 % faster than 500 (fixed costs per task) with its locks held about a second.
    "CLOSE_CHUNK_SIZE": 1000,
    # Seconds a worker owns the chunk it claimed; a chunk still ``running`` after that
    # (its worker was killed) is dispatched again.  Must exceed one chunk's worst case.
    "CLOSE_CHUNK_LEASE_SECONDS": 300,
    # Celery queue of the close tasks (empty: the default queue).
    "CLOSE_TASK_QUEUE": "",
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
    # --- real-name sign-in (ADR 0016) ---
    # Add cadre_policy_plugin.backends.IdNumberOrMobileBackend to AUTHENTICATION_BACKENDS
    # (first, beside ModelBackend and Open edX's own backends, which are kept) and the
    # sign-in middleware to MIDDLEWARE: learners sign in with their ID number (an ``x``
    # is read as ``X``) or their mobile number, looked up through keyed hashes only.
    "SIGN_IN_BY_ID_NUMBER": True,
    # Failed sign-ins with one ID number / mobile number before it is refused for
    # SIGN_IN_LOCKOUT_SECONDS (counted in Django's default cache, across processes).
    "SIGN_IN_MAX_FAILURES": 5,
    # Failed sign-ins from one client address (REMOTE_ADDR) before it is refused, so
    # one client cannot walk through many ID numbers.
    "SIGN_IN_MAX_FAILURES_PER_CLIENT": 30,
    # How long the failures are counted, and a refusal lasts, in seconds.
    "SIGN_IN_LOCKOUT_SECONDS": 15 * 60,
    # The LMS's login API views (the MFE posts here): their ``email``/``email_or_username``
    # field is translated from an ID number or mobile number to the account before Open
    # edX looks it up (its view looks the user up itself before authenticate()).
    "SIGN_IN_LOGIN_API_PATHS": ["/api/user/v1/account/login_session/", "/api/user/v2/account/login_session/",
                                "/login_ajax", "/user_api/v1/account/login_session/"],
    # --- initial passwords and the forced change ---
    # Send a learner holding an initial password (issued by an import, an approval or a
    # reset by the unit) to the change page before anything else; API calls get 403
    # ``{"error_code": "cadre-password-change-required"}``.
    "FORCE_INITIAL_PASSWORD_CHANGE": True,
    # Empty: every initial password is random, per learner, shown once to the
    # administrator.  A fixed text here is given to every learner instead (Fujian §2.1
    # "统一初始密码"); only where an academy insists (system check cadre_policy.W004).
    "INITIAL_PASSWORD": "",
    # Length of a random initial password (letters and digits without look-alikes).
    "INITIAL_PASSWORD_LENGTH": 12,
    # URL paths a learner who must change the password may still open (besides the
    # change page itself): sign-out, static files, the language switch.
    "PASSWORD_CHANGE_EXEMPT_PATHS": ["/logout", "/static/", "/i18n/", "/favicon.ico", "/healthz", "/jsi18n/"],
    # --- self-registration and leaving ---
    # Offer the self-registration page (Inner Mongolia 2018: the ID number is the user
    # name, the learner picks the unit, the unit approves before cadre courses open).
    "SELF_REGISTRATION": True,
    # A learner who retires, resigns, dies or is transferred out can no longer sign in
    # (the Open edX account is deactivated).  Off: they keep signing in to read their
    # file; cadre courses are closed to them either way; the file is always kept.
    "LEAVING_ENDS_SIGN_IN": True,
    # The function that lists the host's courses for the learner home (name, link,
    # enrolment, last activity; see cadre_policy_plugin/catalog.py).  The default reads
    # edx-platform's CourseOverview and CourseEnrollment; the sandbox sets its own.
    "COURSE_CATALOG": "cadre_policy_plugin.catalog.lms_course_catalog",
    # An XLSX is a zip archive: the most bytes its members may unpack to in total, and
    # the highest compression ratio of a member of 1 MiB or more (a spreadsheet packs
    # about 5-20 times; a zip bomb thousands).  Both are checked before unpacking.
    "IMPORT_MAX_UNCOMPRESSED_BYTES": 100 * 1024 * 1024,
    "IMPORT_MAX_COMPRESSION_RATIO": 100,
    # Rate limits (DRF "number/period" syntax; None turns a scope off): attempts on the
    # public certificate verification page per client address, and calls of the
    # block's learner handlers per learner (a heartbeat every 15-30 s needs a few a
    # minute).  Over the limit: 429 with Retry-After and a translated message.
    "THROTTLE_RATES": {"certificate_verify": "30/min", "learner_handler": "120/min"},
    # The Django cache alias that holds the counters (share it between processes:
    # Redis or Memcached in production; a per-process cache multiplies the limit).
    "THROTTLE_CACHE": "default",
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


SIGN_IN_BACKEND = "cadre_policy_plugin.backends.IdNumberOrMobileBackend"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
LOGIN_IDENTIFIER_MIDDLEWARE = "cadre_policy_plugin.middleware.LoginIdentifierMiddleware"
PASSWORD_CHANGE_MIDDLEWARE = "cadre_policy_plugin.middleware.PasswordChangeRequiredMiddleware"
AUTHENTICATION_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"


def install_sign_in_backend(backends):
    """
    ``AUTHENTICATION_BACKENDS`` with this plugin's backend first and everything else
    kept in order (Open edX's rate-limited ModelBackend, OAuth, SSO...).  Without any
    list (a bare Django host) ModelBackend is kept beside it, as Django's default is.
    """
    backends = list(backends) if backends else [MODEL_BACKEND]
    return [SIGN_IN_BACKEND, *[backend for backend in backends if backend != SIGN_IN_BACKEND]]


def install_middleware(middleware, *, identifier=True, password_change=True):
    """
    ``MIDDLEWARE`` with the login-identifier middleware before everything that reads
    the POST body of the login API, and the forced-change middleware right after
    Django's ``AuthenticationMiddleware`` (it needs ``request.user``); appended when
    that is absent.
    """
    middleware = list(middleware or [])
    if password_change and PASSWORD_CHANGE_MIDDLEWARE not in middleware:
        if AUTHENTICATION_MIDDLEWARE in middleware:
            middleware.insert(middleware.index(AUTHENTICATION_MIDDLEWARE) + 1, PASSWORD_CHANGE_MIDDLEWARE)
        else:
            middleware.append(PASSWORD_CHANGE_MIDDLEWARE)
    if identifier and LOGIN_IDENTIFIER_MIDDLEWARE not in middleware:
        anchor = AUTHENTICATION_MIDDLEWARE if AUTHENTICATION_MIDDLEWARE in middleware else None
        if anchor:
            middleware.insert(middleware.index(anchor) + 1, LOGIN_IDENTIFIER_MIDDLEWARE)
        else:
            middleware.append(LOGIN_IDENTIFIER_MIDDLEWARE)
    return middleware


def plugin_settings(settings):
    """Add this plugin's defaults without overwriting what the operator set."""
    current = getattr(settings, "CADRE_POLICY", {}) or {}
    settings.CADRE_POLICY = {**DEFAULTS, **current}
    if settings.CADRE_POLICY.get("INSTALL_FILTER_STEPS", True):
        settings.OPEN_EDX_FILTERS_CONFIG = install_filter_steps(getattr(settings, "OPEN_EDX_FILTERS_CONFIG", None))
    sign_in = settings.CADRE_POLICY.get("SIGN_IN_BY_ID_NUMBER", True)
    if sign_in:
        settings.AUTHENTICATION_BACKENDS = install_sign_in_backend(getattr(settings, "AUTHENTICATION_BACKENDS", None))
    settings.MIDDLEWARE = install_middleware(
        getattr(settings, "MIDDLEWARE", None), identifier=sign_in,
        password_change=settings.CADRE_POLICY.get("FORCE_INITIAL_PASSWORD_CHANGE", True))
