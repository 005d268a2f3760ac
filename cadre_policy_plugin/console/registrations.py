"""
Registration approvals: the learners of the subtree whose real-name registration the
unit has not yet approved (Inner Mongolia 2018 notice §三.2; Anhui Art. 8).

Approve sets ``approved`` and activates an account that never signed in (as the
roster import does); reject keeps the account as it is and records the reason
(``RegistrationReview``), which the learner is shown.  A rejected learner leaves the
list until their profile changes (a corrected registration comes back for review).
"""
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cadre_policy_plugin.console.access import (
    console_view,
    forbidden,
    may_change,
    may_change_somewhere,
    page,
    profile_or_404,
)
from cadre_policy_plugin.console.forms import ReasonForm
from cadre_policy_plugin.models import RegistrationReview
from cadre_policy_plugin.services.audit import audit
from cadre_policy_plugin.services.registrations import pending
from cadre_policy_plugin.services.roster_import import activate_if_pending


@require_GET
@console_view
def index(request):
    return page(request, "cadre_policy/console/registrations.html",
                {"profiles": pending(request.user), "reject_form": ReasonForm(),
                 "can_change": may_change_somewhere(request.user)})


def _pending_or_404(request, user_id):
    profile = profile_or_404(request, user_id)
    if not pending(request.user).filter(pk=profile.pk).exists():
        raise Http404
    return profile


@require_POST
@console_view
def approve(request, user_id):
    profile = _pending_or_404(request, user_id)
    if not may_change(request.user, profile.unit):
        return forbidden(request)
    with transaction.atomic():
        profile.approved = True
        profile.save()
        activate_if_pending(profile.user)
        RegistrationReview.objects.create(user=profile.user, decision=RegistrationReview.Decision.APPROVED,
                                          reviewed_by=request.user)
        audit(request.user, "registration.approve", target=profile, learner=profile.user,
              detail={"id_number": profile.masked_id_number})
    messages.success(request, _("Registration of %(name)s approved.") % {"name": profile.real_name})
    return redirect("cadre_policy:console:registrations")


@require_POST
@console_view
def reject(request, user_id):
    profile = _pending_or_404(request, user_id)
    if not may_change(request.user, profile.unit):
        return forbidden(request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the learner the reason for the rejection."))
        return redirect("cadre_policy:console:registrations")
    with transaction.atomic():
        RegistrationReview.objects.create(user=profile.user, decision=RegistrationReview.Decision.REJECTED,
                                          reason=form.cleaned_data["reason"], reviewed_by=request.user)
        audit(request.user, "registration.reject", target=profile, learner=profile.user,
              reason=form.cleaned_data["reason"], detail={"id_number": profile.masked_id_number})
    messages.success(request, _("Registration of %(name)s rejected; the learner is shown the reason.")
                     % {"name": profile.real_name})
    return redirect("cadre_policy:console:registrations")
