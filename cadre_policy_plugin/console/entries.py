"""
Entries from the console: back-fill, correction and revocation, each with a reason.

Thin: the form is parsed here and the work is ``api.add_entry`` / ``api.revoke_entry``
(or ``services.evidence.add_entry_with_document`` when a document is attached), which
check the scope again, audit, and commit the sync outbox row with the ledger row.  A
correction is a revocation and a new entry with one reason in one transaction: the
ledger never changes a row in place.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cadre_policy_plugin import api
from cadre_policy_plugin.console.access import console_view, forbidden, may_change, page, profile_or_404
from cadre_policy_plugin.console.forms import EntryForm, ReasonForm
from cadre_policy_plugin.models import LedgerEntry
from cadre_policy_plugin.services import evidence


def _file_url(profile, year):
    return reverse("cadre_policy:console:learner", args=[profile.user_id]) + f"?year={year}"


def _errors(exc):
    return "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _write(request, profile, form):
    kwargs = form.entry_kwargs()
    reason = form.cleaned_data["reason"]
    upload = form.cleaned_data.get("document")
    if upload is not None:
        entry, _document = evidence.add_entry_with_document(profile.user, upload, entered_by=request.user,
                                                            reason=reason, **kwargs)
    else:
        entry = api.add_entry(profile.user, entered_by=request.user, reason=reason, **kwargs)
    if entry is None:
        raise ValidationError(_("This evidence is already credited to the learner."))
    return entry


@require_POST
@console_view
def add(request, user_id):
    """Back-fill one entry (补录) for a learner of the subtree."""
    profile = profile_or_404(request, user_id)
    if not may_change(request.user, profile.unit):
        return forbidden(request)
    form = EntryForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            entry = _write(request, profile, form)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _("The entry was not added: %(error)s") % {"error": _errors(exc)})
        else:
            messages.success(request, _("Entry added: %(hours)s counted.") % {
                "hours": entry.credits if entry.credits is not None else (entry.hours if entry.hours is not None
                                                                          else 0)})
            return redirect(_file_url(profile, form.cleaned_data["earned_on"].year))
    else:
        messages.error(request, _("The entry was not added: %(error)s") % {
            "error": "; ".join(f"{form.fields[k].label if k in form.fields else ''} {' '.join(v)}".strip()
                               for k, v in form.errors.items())})
    return redirect(_file_url(profile, request.POST.get("year") or ""))


def _entry_or_404(profile, entry_uuid):
    return get_object_or_404(LedgerEntry.objects.filter(user=profile.user, reverses__isnull=True), uuid=entry_uuid)


@require_POST
@console_view
def revoke(request, user_id, entry_uuid):
    """Revoke one entry with a written reason (a reversal row)."""
    profile = profile_or_404(request, user_id)
    entry = _entry_or_404(profile, entry_uuid)
    if not may_change(request.user, profile.unit):
        return forbidden(request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the revocation."))
    else:
        try:
            api.revoke_entry(entry.uuid, by=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _("The entry was not revoked: %(error)s") % {"error": _errors(exc)})
        else:
            messages.success(request, _("Entry revoked."))
    return redirect(_file_url(profile, entry.earned_on.year))


@require_http_methods(["GET", "POST"])
@console_view
def correct(request, user_id, entry_uuid):
    """Correct an entry: revoke it and add the corrected one, one reason, one transaction."""
    profile = profile_or_404(request, user_id)
    entry = _entry_or_404(profile, entry_uuid)
    if not may_change(request.user, profile.unit):
        return forbidden(request)
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    api.revoke_entry(entry.uuid, by=request.user,
                                     reason=_("Corrected: %(reason)s") % {"reason": form.cleaned_data["reason"]})
                    _write(request, profile, form)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Entry corrected: the old one is revoked and the corrected one added."))
                return redirect(_file_url(profile, form.cleaned_data["earned_on"].year))
    else:
        quantity, amount = next(((name, getattr(entry, name)) for name in ("hours", "minutes", "credits", "half_days",
                                                                           "characters")
                                 if getattr(entry, name) is not None), ("hours", entry.value_hours))
        form = EntryForm(initial={"source": entry.source, "category": entry.category, "earned_on": entry.earned_on,
                                  "quantity": quantity, "amount": amount, "absent_hours": entry.absent_hours,
                                  "course_key": entry.course_key})
    return page(request, "cadre_policy/console/correct.html", {"profile": profile, "entry": entry, "form": form})
