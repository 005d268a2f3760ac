"""
The review list of the console (``/cadre/manage/review/``): sessions the credit-hour
block flagged (several accounts on one device at once, answers faster than a person
reads, every answer in the same time), for the administrator of the learner's unit.

Each open case offers two decisions, both with a written reason: *revoke the hours*
(the course's counted award is reversed in the ledger, which queues the registry
correction, and the case is listed in the unit's circular) and *dismiss* (a false
alarm; nothing changes).  A case outside the administrator's subtree is a 404.
Nothing is decided without a person (ADR 0022).
"""
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cadre_policy_plugin.console.access import console_view
from cadre_policy_plugin.models import ReviewKind, ReviewStatus
from cadre_policy_plugin.pages import render_page
from cadre_policy_plugin.services import review, scope

LIST_LIMIT = 200


def _summary(case):
    """One sentence saying what was observed, from the case's detail (no address, no browser)."""
    detail = case.detail or {}
    if case.kind == ReviewKind.SHARED_CLIENT:
        return _("%(count)s accounts were studying on the same device (client %(client)s) at the same time.") % {
            "count": len(detail.get("accounts", [])), "client": detail.get("client", "?")}
    if case.kind == ReviewKind.FAST_ANSWERS:
        checks = detail.get("checks", [])
        fastest = min(checks, key=lambda check: check.get("response_ms", 0)) if checks else {}
        return _("%(count)s attention check(s) answered too fast: %(ms)s ms where a person needs at least "
                 "%(needed)s ms to read the question.") % {
            "count": len(checks), "ms": fastest.get("response_ms", "?"), "needed": fastest.get("needed_ms", "?")}
    return _("All %(count)s answers of this account took the same time (%(low)s to %(high)s ms).") % {
        "count": detail.get("answers", "?"), "low": detail.get("lowest_ms", "?"), "high": detail.get("highest_ms", "?")}


def _others(case, names):
    """The other accounts of a shared-client case, by username (known users only)."""
    return [names[user_id] for user_id in (case.detail or {}).get("accounts", []) if user_id in names
            and user_id != case.user_id]


@require_GET
@console_view
def review_list(request):
    """Open cases first, then the closed ones, newest first, within the administrator's subtree."""
    cases = list(review.visible_cases(request.user)[:LIST_LIMIT])
    ids = {user_id for case in cases for user_id in (case.detail or {}).get("accounts", [])}
    names = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
    rows = [{"case": case, "summary": _summary(case), "others": _others(case, names),
             "profile": getattr(case.user, "cadre_profile", None),
             "can_decide": scope.can_manage_learner(request.user, case.user)} for case in cases]
    open_rows = [row for row in rows if row["case"].status == ReviewStatus.OPEN]
    closed_rows = [row for row in rows if row["case"].status != ReviewStatus.OPEN]
    return render_page(request, "cadre_policy/console/review.html",
                       {"open_rows": open_rows, "closed_rows": closed_rows})


@require_POST
@console_view
def resolve(request, pk):
    """Revoke the hours of, or dismiss, one case (``action`` and ``reason`` from the form)."""
    case = review.visible_cases(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    try:
        if action == "revoke":
            case = review.revoke(case, by=request.user, reason=reason)
            messages.success(request, _("The hours of %(name)s in this course were revoked; the registry will be "
                                        "told and the case appears in the unit's circular.") % {
                "name": case.user.cadre_profile.real_name})
        elif action == "dismiss":
            review.dismiss(case, by=request.user, reason=reason)
            messages.success(request, _("The case was dismissed; no hours were changed."))
        else:
            messages.error(request, _("Choose whether to revoke the hours or dismiss the case."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("cadre_policy:console:review")
