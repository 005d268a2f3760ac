"""
The console's account pages (``/cadre/manage/accounts/``): find a learner of your subtree
by ID number, mobile number or user name, reset their password to a new initial one
(Fujian §2.1: lost passwords go through the unit), record that they left training, and,
for academy staff, bring them back (ADR 0016).

A learner outside the administrator's subtree is a 404 (never a hint that they exist);
a read-only role sees the page but every change is refused by ``services/accounts.py``.
The new initial password is shown once, on the answer to the reset, with
``Cache-Control: no-store``; it is stored only hashed and never logged or audited.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods

from cadre_policy_plugin import identity
from cadre_policy_plugin.conf import id_hash_key
from cadre_policy_plugin.console.access import console_view
from cadre_policy_plugin.models import LEAVING_STATUSES, LearnerStatus
from cadre_policy_plugin.pages import render_page
from cadre_policy_plugin.services import accounts, scope

LEAVING_CHOICES = [(value, label) for value, label in LearnerStatus.choices if value in LEAVING_STATUSES]


def _find(request, query):
    """Profiles of the administrator's subtree matching a typed identifier (hash lookups only)."""
    profiles = scope.visible_profiles(request.user).select_related("user", "unit")
    query = (query or "").strip()
    if not query:
        return []
    if identity.looks_like_id_number(query):
        return list(profiles.filter(id_number_hash=identity.hash_id_number(query, id_hash_key()))[:1])
    if identity.looks_like_mobile(query):
        return list(profiles.filter(mobile_hash=identity.hash_mobile(query, id_hash_key()))[:20])
    return list(profiles.filter(user__username=query)[:1])


@require_http_methods(["GET"])
@console_view
def find(request):
    """Look a learner up (exact identifier; the console is no people search)."""
    query = request.GET.get("q", "")
    return render_page(request, "cadre_policy/console/accounts/find.html",
                       {"query": query, "searched": bool(query.strip()), "profiles": _find(request, query)})


@sensitive_variables("password")
@never_cache
@require_http_methods(["GET", "POST"])
@console_view
def detail(request, user_id):
    """One learner's account: reset the password, record leaving, return to training."""
    profile = scope.visible_profiles(request.user).select_related("user", "unit").filter(user_id=user_id).first()
    if profile is None:
        raise Http404
    context = {"profile": profile, "leaving_choices": LEAVING_CHOICES, "is_academy": accounts.is_academy(request.user),
               "can_change": scope.can_manage_learner(request.user, profile.user)}
    status = 200
    if request.method == "POST":
        action, reason = request.POST.get("action"), request.POST.get("reason", "")
        try:
            if action == "reset":
                context["password"] = accounts.reset_password(request.user, profile.user, reason=reason)
            elif action == "leave":
                accounts.record_leaving(request.user, profile, request.POST.get("status", ""), reason=reason)
                context["done"] = _("Leaving recorded. The training file is kept.")
            elif action == "return":
                accounts.return_to_training(request.user, profile, reason=reason)
                context["done"] = _("The learner is back in training.")
            else:
                raise ValidationError(_("Unknown action."))
        except PermissionDenied as exc:
            context["error"], status = str(exc), 403
        except ValidationError as exc:
            context["error"], status = " ".join(exc.messages), 400
        profile.refresh_from_db()
    return render_page(request, "cadre_policy/console/accounts/detail.html", context, status=status)
