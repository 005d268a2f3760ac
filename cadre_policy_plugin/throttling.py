"""
Rate limits for the public and learner-facing doors (issue 13: 300 wrong certificate
codes at 18 a second met no limit).

DRF's ``SimpleRateThrottle`` does the counting (a sliding window of request times per
key, kept in a Django cache, so every LMS process and worker shares it when the cache
is Redis or Memcached); this module gives it the plugin's settings and two front doors:

* :func:`rate_limited` decorates a plain Django view (the certificate verification
  page): over the limit it answers 429 with ``Retry-After`` and a translated page;
* :func:`learner_wait` answers "how long must this learner wait" for callers that are
  not Django views (the XBlock's JSON handlers, through ``api.learner_request_wait``).

Rates are ``CADRE_POLICY["THROTTLE_RATES"]`` (``"30/min"`` style; ``None`` switches a
scope off), the cache is ``CADRE_POLICY["THROTTLE_CACHE"]``.  Keys are the client
address for anonymous requests and the user id for signed-in ones; no personal data
is stored.  The address is ``REMOTE_ADDR`` (edx-platform's ``XForwardedForMiddleware``
already sets it from the proxy's header) unless DRF's ``NUM_PROXIES`` is set: DRF's
default would key on the whole ``X-Forwarded-For`` header, which a client can vary at
will to escape the limit.
"""
import functools
import logging
import math

from django.core.cache import caches
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from cadre_policy_plugin.conf import cadre_setting

log = logging.getLogger(__name__)

VERIFY_SCOPE = "certificate_verify"
LEARNER_SCOPE = "learner_handler"


class CadreRateThrottle(SimpleRateThrottle):
    """A DRF throttle whose rate and cache come from ``CADRE_POLICY``; ``ident`` may be given outright."""

    def __init__(self, scope, ident=None):
        self.scope = scope
        self.ident = ident
        self.cache = caches[cadre_setting("THROTTLE_CACHE")]
        super().__init__()

    def get_rate(self):
        return (cadre_setting("THROTTLE_RATES") or {}).get(self.scope)

    def get_ident(self, request):
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR") or "unknown"
        return super().get_ident(request)

    def get_cache_key(self, request, view):
        ident = self.ident
        if ident is None:
            user = getattr(request, "user", None)
            ident = f"user:{user.pk}" if getattr(user, "is_authenticated", False) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def check(self, request=None):
        """Seconds to wait (a positive float) when over the limit, else ``None``; counts this request."""
        if self.rate is None:
            return None
        if self.allow_request(request, None):
            return None
        return self.wait() or 1.0


def too_many_requests(wait):
    """The 429 answer: a translated page and ``Retry-After`` in whole seconds."""
    seconds = max(1, math.ceil(wait))
    message = _("Too many requests. Please wait %(seconds)s seconds and try again.") % {"seconds": seconds}
    page = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(message)}</title></head>' \
           f'<body><p role="alert">{escape(message)}</p></body></html>'
    response = HttpResponse(page, status=429, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response


def rate_limited(scope, *, when=None):
    """
    Decorate a Django view: at most ``THROTTLE_RATES[scope]`` requests per client.

    ``when(request)`` says whether a request counts (the verification page counts
    attempts with a code, not the empty form).
    """
    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if when is None or when(request):
                wait = CadreRateThrottle(scope).check(request)
                if wait is not None:
                    log.info("throttle %s: refused a request (wait %.0f s)", scope, wait)
                    return too_many_requests(wait)
            return view(request, *args, **kwargs)
        return wrapped
    return decorator


def learner_wait(user_id, scope=LEARNER_SCOPE):
    """Seconds the learner must wait before the next handler call, or ``None`` (counts this call)."""
    return CadreRateThrottle(scope, ident=f"user:{int(user_id)}").check()


def throttled_message(wait):
    """The translated sentence a learner reads when a handler is throttled."""
    return _("Too many requests. Please wait %(seconds)s seconds and try again.") % {
        "seconds": max(1, math.ceil(wait))}
