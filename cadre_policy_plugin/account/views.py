"""
The learner's account pages: thin views over ``services/accounts.py``.

``password_change`` is the page ``PasswordChangeRequiredMiddleware`` sends a learner to
while they hold an initial password; ``register`` is the self-registration page.
"""
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cadre_policy_plugin.account.forms import PasswordChangeForm, RegistrationForm
from cadre_policy_plugin.conf import cadre_setting
from cadre_policy_plugin.middleware import SESSION_KEY
from cadre_policy_plugin.pages import render_page
from cadre_policy_plugin.services import accounts, signin


def _add_errors(form, exc):
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return resolve_url(getattr(settings, "LOGIN_REDIRECT_URL", "/") or "/")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Choose your own password (forced while the account holds an initial one)."""
    forced = bool(request.session.get(SESSION_KEY)) or accounts.must_change_password(request.user)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.change_password(request.user, form.cleaned_data["new_password1"],
                                     old_password=form.cleaned_data["old_password"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            request.session.pop(SESSION_KEY, None)
            update_session_auth_hash(request, request.user)
            return render_page(request, "cadre_policy/account/password_changed.html", {"next": _next_url(request)})
    return render_page(request, "cadre_policy/account/password_change.html",
                       {"form": form, "forced": forced, "next": request.GET.get("next") or request.POST.get("next", "")},
                       status=400 if request.method == "POST" else 200)


@sensitive_post_parameters("password1", "password2", "id_number")
@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    """Self-registration: the ID number is the user name; the unit approves (Inner Mongolia 2018)."""
    if not cadre_setting("SELF_REGISTRATION"):
        raise Http404
    form = RegistrationForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # "Already registered" tells whether a number is on file: answers count against the
        # client like failed sign-ins, so the page is no oracle for walking through ID numbers.
        _kind, digest = signin.classify(data["id_number"])
        throttle = signin.throttle_for(request, digest or "registration")
        if throttle.blocked():
            signin.mark(request, signin.THROTTLED)
            form.add_error(None, signin.refusal_message(request))
            return render_page(request, "cadre_policy/account/register.html", {"form": form}, status=429)
        try:
            profile = accounts.register(id_number=data["id_number"], real_name=data["real_name"], rank=data["rank"],
                                        unit=data["unit"], password=data["password1"], mobile=data["mobile"])
        except ValidationError as exc:
            if "id_number" in exc.message_dict or "mobile" in exc.message_dict:
                throttle.failed()
            _add_errors(form, exc)
        else:
            return render_page(request, "cadre_policy/account/registered.html",
                               {"unit": profile.unit, "masked_id_number": profile.masked_id_number,
                                "login_url": resolve_url(settings.LOGIN_URL)})
    return render_page(request, "cadre_policy/account/register.html", {"form": form}, status=status)


def password_change_redirect(request):
    """``/cadre/account/`` goes to the change page."""
    return redirect("cadre_policy:account:password-change")
