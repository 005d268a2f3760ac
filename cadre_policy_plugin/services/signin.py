"""
Signing in with an ID number or a mobile number (Fujian §2.1, Inner Mongolia 2018).

:func:`resolve` turns what a learner typed into their account through the keyed hashes
only (``id_number_hash``, ``mobile_hash``; ADR 0011, ADR 0016): the plain number is never
in a WHERE clause.  An 18-character ID number is read with a lower-case ``x`` as ``X``
and must carry the right GB 11643 check character; a wrong one is refused before any
database query.

:class:`Throttle` counts failures in Django's cache (shared by every process) per typed
identifier (its keyed hash, never the number) and per client address; past the limits a
sign-in is refused without checking the password, for ``SIGN_IN_LOCKOUT_SECONDS``.  The
caller (the backend, the login-API middleware) marks the request so the login page can
say why (:func:`refusal_message`).

.. pii: handles ID numbers and mobile numbers; logs only user ids and reasons.
"""
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils.translation import gettext as _

from cadre_policy_plugin import identity
from cadre_policy_plugin.conf import cadre_setting, id_hash_key
from cadre_policy_plugin.models import LearnerProfile

log = logging.getLogger(__name__)

#: ``request.cadre_sign_in_refusal`` values (stable; the login page and API answers use them).
THROTTLED = "throttled"
BAD_ID_NUMBER = "id_number_invalid"
CACHE_PREFIX = "cadre_policy:sign-in"


@dataclass(frozen=True)
class Resolution:
    """What an identifier turned out to be: ``kind`` id_number | mobile | other."""

    kind: str
    digest: str = ""
    user: object = None
    refusal: str = ""

    @property
    def handled(self):
        """True when this plugin owns the identifier (other backends must not look it up)."""
        return self.kind in ("id_number", "mobile")


def classify(identifier):
    """``("id_number", digest)``, ``("mobile", digest)``, ``("bad_id_number", digest)`` or ``("other", "")``."""
    value = (identifier or "").strip()
    key = id_hash_key()
    if identity.looks_like_id_number(value):
        digest = identity.hash_id_number(value, key)
        try:
            identity.check_id_number(value)
        except identity.IdNumberError:
            return "bad_id_number", digest
        return "id_number", digest
    if identity.looks_like_mobile(value):
        return "mobile", identity.hash_mobile(value, key)
    return "other", ""


def resolve(identifier):
    """The account behind an ID number or mobile number (see module doc); never raises."""
    kind, digest = classify(identifier)
    if kind == "other":
        return Resolution("other")
    if kind == "bad_id_number":
        return Resolution("id_number", digest, None, BAD_ID_NUMBER)
    field = "id_number_hash" if kind == "id_number" else "mobile_hash"
    profiles = list(LearnerProfile.objects.filter(**{field: digest}).select_related("user")[:2])
    if len(profiles) != 1:
        if len(profiles) > 1:  # the same mobile number on two files: ambiguous, sign in by ID number
            log.warning("sign-in by mobile matched %s learner profiles; refused", len(profiles))
        return Resolution(kind, digest)
    return Resolution(kind, digest, profiles[0].user)


def client_address(request):
    """The client's address as the WSGI server saw it (a proxy sets REMOTE_ADDR right, see docs)."""
    return (getattr(request, "META", None) or {}).get("REMOTE_ADDR", "") or "unknown"


class Throttle:
    """Failure counters in the cache: one per identifier digest, one per client address."""

    def __init__(self, digest, address):
        self.keys = {"identifier": f"{CACHE_PREFIX}:id:{digest}",
                     "client": f"{CACHE_PREFIX}:client:{address}"}
        self.limits = {"identifier": cadre_setting("SIGN_IN_MAX_FAILURES"),
                       "client": cadre_setting("SIGN_IN_MAX_FAILURES_PER_CLIENT")}
        self.timeout = cadre_setting("SIGN_IN_LOCKOUT_SECONDS")

    def blocked(self):
        counts = cache.get_many(list(self.keys.values()))
        return any(counts.get(self.keys[name], 0) >= limit for name, limit in self.limits.items())

    def failed(self):
        for key in self.keys.values():
            if cache.add(key, 1, self.timeout):
                continue
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, self.timeout)

    def succeeded(self):
        cache.delete(self.keys["identifier"])


def throttle_for(request, digest):
    return Throttle(digest, client_address(request))


def mark(request, refusal):
    """Tell the login page why a sign-in was refused (``request.cadre_sign_in_refusal``)."""
    if request is not None and refusal:
        request.cadre_sign_in_refusal = refusal


def refusal_message(request):
    """The translated reason for the last refusal on ``request``, or ``""`` (wrong password: the page's own)."""
    refusal = getattr(request, "cadre_sign_in_refusal", "")
    if refusal == THROTTLED:
        minutes = max(1, cadre_setting("SIGN_IN_LOCKOUT_SECONDS") // 60)
        return _("Too many failed sign-ins. Try again in %(minutes)s minutes, or ask your unit's "
                 "administrator to reset your password.") % {"minutes": minutes}
    if refusal == BAD_ID_NUMBER:
        return _("This ID number is not valid: check the last character (GB 11643).")
    return ""


def authenticate_identifier(request, identifier, password):
    """
    The active account whose ID number or mobile number is ``identifier`` and whose
    password is ``password``; ``None`` otherwise (the refusal is marked on the request).
    Returns ``(handled, user)``: ``handled`` false means the identifier is neither, so
    other backends decide.
    """
    kind, digest = classify(identifier)
    if kind == "other":
        return False, None
    throttle = throttle_for(request, digest)
    if throttle.blocked():
        mark(request, THROTTLED)
        log.info("sign-in refused: too many failures (identifier or client)")
        return True, None
    resolution = resolve(identifier)
    user = resolution.user
    if resolution.refusal or user is None or not password or not user.check_password(password):
        if user is None:
            get_user_model()().set_password(password or "")  # same work as a real check (timing)
        throttle.failed()
        mark(request, resolution.refusal)
        return True, None
    throttle.succeeded()
    return True, user
