"""
Pages of the hours registration form.

The learner's page (``/cadre/declarations/``, linked from their training file) lists
the year's lines with their review and adds a line; the learner downloads their form.
The console's pages (``/cadre/manage/declarations/``) list the lines of the subtree,
approve or reject each, and export the year's forms of a unit.  Every console lookup is
scoped to the administrator's subtree (404 outside it).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadre_policy_plugin.console.access import (
    console_view,
    forbidden,
    may_change,
    may_change_somewhere,
    node_or_404,
    page,
    profile_or_404,
    year_of,
)
from cadre_policy_plugin.console.forms import DeclarationForm, NoteForm, ReasonForm
from cadre_policy_plugin.console.views import top_nodes
from cadre_policy_plugin.declarations import export, service
from cadre_policy_plugin.models import HoursDeclaration, LearnerProfile
from cadre_policy_plugin.pages import render_page
from cadre_policy_plugin.services.evaluation import current_year

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(body, name):
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _form_errors(form):
    return "; ".join(" ".join(str(m) for m in messages_) for messages_ in form.errors.values())


# ------------------------------------------------------------------ the learner
@require_http_methods(["GET", "POST"])
@login_required
def mine(request):
    """The learner's form of the year, and a new line."""
    profile = LearnerProfile.objects.select_related("unit").filter(user=request.user).first()
    year = year_of(request)
    form = DeclarationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and profile is not None and form.is_valid():
        data = form.cleaned_data
        try:
            service.declare(request.user, kind=data["kind"], title=data["title"], organiser=data["organiser"],
                            earned_on=data["earned_on"], amount=data["amount"],
                            absent_hours=data["absent_hours"], upload=data["document"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("The line was submitted to your unit for review."))
            return redirect(reverse("cadre_policy:declarations") + f"?year={data['earned_on'].year}")
    open_year = service.open_year()
    return render_page(request, "cadre_policy/declarations/mine.html", {
        "profile": profile, "year": year, "years": range(current_year(), current_year() - 5, -1),
        "lines": service.form_lines(request.user, year) if profile else [], "form": form,
        "open_year": open_year, "deadline": service.deadline(year)}, status=400 if form.errors else 200)


@require_GET
@login_required
def my_form(request, year):
    profile = LearnerProfile.objects.select_related("unit", "user").filter(user=request.user).first()
    if profile is None:
        raise Http404
    return _xlsx(export.form_xlsx([profile], year, language=translation.get_language()),
                 f"hours-registration-{year}.xlsx")


@require_GET
@login_required
def my_document(request, declaration_uuid):
    line = HoursDeclaration.objects.filter(user=request.user, uuid=declaration_uuid, document__isnull=False).first()
    if line is None:
        raise Http404
    return FileResponse(line.document.file.open("rb"), content_type=line.document.content_type,
                        filename=f"{line.document.sha256[:12]}{line.document.extension}")


# ------------------------------------------------------------------ the unit
STATUS_FILTERS = ("pending", "approved", "rejected", "all")


@require_GET
@console_view
def review_list(request):
    year = year_of(request)
    status = request.GET.get("status", "pending")
    status = status if status in STATUS_FILTERS else "pending"
    lines = (service.visible_declarations(request.user).filter(year=year)
             .select_related("user__cadre_profile__unit", "document", "reviewed_by")
             .order_by("user__cadre_profile__unit__code", "user__cadre_profile__real_name", "earned_on", "id"))
    if status != "all":
        lines = lines.filter(status=status)
    return page(request, "cadre_policy/console/declarations.html", {
        "lines": lines[:500], "year": year, "can_change": may_change_somewhere(request.user),
        "status": status, "statuses": STATUS_FILTERS,
        "years": range(current_year(), current_year() - 5, -1), "note_form": NoteForm(), "reject_form": ReasonForm(),
        "nodes": top_nodes(request), "deadline": service.deadline(year)})


def _line_or_404(request, declaration_uuid):
    line = (service.visible_declarations(request.user).select_related("user__cadre_profile__unit")
            .filter(uuid=declaration_uuid).first())
    if line is None:
        raise Http404
    return line


def _back(request, line):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(reverse("cadre_policy:console:declarations") + f"?year={line.year}")


@require_POST
@console_view
def approve(request, declaration_uuid):
    line = _line_or_404(request, declaration_uuid)
    if not may_change(request.user, line.user.cadre_profile.unit):
        return forbidden(request)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        service.approve(request.user, line.uuid, note=note)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _("Not approved: %(error)s") % {
            "error": "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)})
    else:
        messages.success(request, _("Approved and credited: %(title)s") % {"title": line.title})
    return _back(request, line)


@require_POST
@console_view
def reject(request, declaration_uuid):
    line = _line_or_404(request, declaration_uuid)
    if not may_change(request.user, line.user.cadre_profile.unit):
        return forbidden(request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the learner the reason for the rejection."))
        return _back(request, line)
    try:
        service.reject(request.user, line.uuid, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Rejected; the learner is shown the reason: %(title)s") % {"title": line.title})
    return _back(request, line)


@require_GET
@console_view
def line_document(request, declaration_uuid):
    line = _line_or_404(request, declaration_uuid)
    if line.document_id is None:
        raise Http404
    return FileResponse(line.document.file.open("rb"), content_type=line.document.content_type,
                        filename=f"{line.document.sha256[:12]}{line.document.extension}")


@require_GET
@console_view
def learner_form(request, user_id, year):
    profile = profile_or_404(request, user_id)
    return _xlsx(export.form_xlsx([profile], year, language=translation.get_language()),
                 f"hours-registration-{year}-{profile.user_id}.xlsx")


@require_GET
@console_view
def unit_forms(request, code, year):
    """Every form of the unit's subtree for the year with at least one line (the filed record)."""
    node = node_or_404(request, code)
    profiles = (LearnerProfile.objects.in_subtree([node]).filter(user__cadre_declarations__year=year).distinct()
                .select_related("unit", "user").order_by("unit__code", "real_name", "id"))
    return _xlsx(export.form_xlsx(list(profiles), year, language=translation.get_language()),
                 f"hours-registration-{node.code}-{year}.xlsx")
