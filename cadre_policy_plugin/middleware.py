"""
Middleware added to ``MIDDLEWARE`` by ``plugin_settings`` (ADR 0016).

``PasswordChangeRequiredMiddleware``: a learner who holds an initial password (issued by
a roster import, an approval or a reset through the unit) is sent to the change page
before anything else: pages redirect there (with ``next``), API and JSON calls get
``403 {"error_code": "cadre-password-change-required"}``.  The flag is read from the
learner profile once per session (it is copied into the session at sign-in and cleared
by the change), so ordinary requests cost no query.  Switch:
``CADRE_POLICY["FORCE_INITIAL_PASSWORD_CHANGE"]``.

``LoginIdentifierMiddleware``: Open edX's login view looks the account up by e-mail or
user name itself, before ``authenticate()``.  For a POST to one of
``CADRE_POLICY["SIGN_IN_LOGIN_API_PATHS"]`` whose ``email``/``email_or_username`` is an ID
number or a mobile number, this resolves the account through the keyed hashes and puts
its user name (or, for the v1 API's ``email`` field, its e-mail address) in the request
body, so Open edX finds the account and its own backends check the password; an
unknown, malformed or throttled number is answered here (400/429 JSON in the shape of
Open edX's login errors) and never reaches a plain-column lookup.
"""
import logging
from io import BytesIO
from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from cadre_policy_plugin.conf import cadre_setting
from cadre_policy_plugin.services import signin

log = logging.getLogger(__name__)

SESSION_KEY = "cadre_password_change_required"
ERROR_CODE = "cadre-password-change-required"


def wants_json(request):
    """API and XHR/JSON callers: the path says api, or the client asks for JSON."""
    accept = request.headers.get("Accept", "")
    return ("/api/" in request.path or request.headers.get("X-Requested-With") == "XMLHttpRequest"
            or request.content_type == "application/json"
            or ("application/json" in accept and "text/html" not in accept))


class PasswordChangeRequiredMiddleware:
    """See module doc."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and hasattr(request, "session")
                and request.session.get(SESSION_KEY) and cadre_setting("FORCE_INITIAL_PASSWORD_CHANGE")):
            change_url = reverse("cadre_policy:account:password-change")
            exempt = [change_url, *cadre_setting("PASSWORD_CHANGE_EXEMPT_PATHS")]
            if not any(request.path.startswith(prefix) for prefix in exempt):
                return self.refuse(request, change_url)
        return self.get_response(request)

    @staticmethod
    def refuse(request, change_url):
        if wants_json(request):
            return JsonResponse({
                "error_code": ERROR_CODE,
                "developer_message": "The account holds an initial password; change it at change_url first.",
                "user_message": _("Change your initial password before you continue."),
                "change_url": change_url,
            }, status=403)
        target = request.get_full_path()
        if request.method == "GET" and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(f"{change_url}?{urlencode({'next': target})}")
        return redirect(change_url)


FIELDS = ("email_or_username", "email")


class LoginIdentifierMiddleware:
    """See module doc."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method != "POST" or request.path not in cadre_setting("SIGN_IN_LOGIN_API_PATHS")
                or not cadre_setting("SIGN_IN_BY_ID_NUMBER")
                or request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data")):
            return self.get_response(request)
        post = request.POST
        field = next((name for name in FIELDS if post.get(name)), None)
        if field is None:
            return self.get_response(request)
        identifier = post[field]
        kind, digest = signin.classify(identifier)
        if kind == "other":
            return self.get_response(request)
        throttle = signin.throttle_for(request, digest)
        if throttle.blocked():
            signin.mark(request, signin.THROTTLED)
            return self.error(request, identifier, 429, "cadre-sign-in-throttled")
        resolution = signin.resolve(identifier)
        if resolution.user is None or (field == "email" and not resolution.user.email):
            throttle.failed()
            signin.mark(request, resolution.refusal)
            code = "cadre-id-number-invalid" if resolution.refusal else "incorrect-email-or-password"
            return self.error(request, identifier, 400, code)
        account = resolution.user.email if field == "email" else resolution.user.get_username()
        self.replace_field(request, field, account)
        response = self.get_response(request)
        if response.status_code == 200:
            throttle.succeeded()
        elif response.status_code in (400, 403):
            throttle.failed()
        return response

    @staticmethod
    def replace_field(request, field, value):
        """Rewrite the POST body too: Django REST framework parses the body again."""
        post = request.POST.copy()
        post[field] = value
        if request.content_type == "application/x-www-form-urlencoded":
            body = post.urlencode().encode("utf-8")
            request._body = body
            request._stream = BytesIO(body)
            request._read_started = False
            request.META["CONTENT_LENGTH"] = str(len(body))
        request._post = post
        request.POST = post

    @staticmethod
    def error(request, identifier, status, code):
        message = signin.refusal_message(request) or _("ID number, mobile number or password is incorrect.")
        return JsonResponse({"success": False, "value": message, "error_code": code, "email": ""}, status=status)
