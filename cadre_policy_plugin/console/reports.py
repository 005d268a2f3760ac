"""
Reports from the console: a node's circular (通报) and its exports, and the quarterly
notices to individuals (Loudi Art. 16) with the record of what was sent to whom.

The circular and its CSV/XLSX come from ``services.circulars`` / ``circular_exports``
in the page's language.  Notices go through ``services.notices`` (one shared mail
connection, failures counted, never an ID number); every sending is a
``NoticeDispatch`` with one ``NoticeRecipient`` per learner and outcome.  Sending a
quarter that was already sent for the node needs an explicit confirmation and the page
says when it was sent, by whom and to how many.
"""
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cadre_policy_plugin.console.access import console_view, forbidden, may_change, node_or_404, page, year_of
from cadre_policy_plugin.console.forms import NoticeForm
from cadre_policy_plugin.console.views import breadcrumbs, top_nodes
from cadre_policy_plugin.models import NoticeDispatch, NoticeRecipient
from cadre_policy_plugin.services import circular_exports, circulars, notices, scope
from cadre_policy_plugin.services.audit import audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@console_view
def index(request):
    nodes = top_nodes(request)
    if not nodes:
        raise Http404
    return redirect("cadre_policy:console:node-reports", code=nodes[0].code)


def _quarter_now():
    return (timezone.localdate().month - 1) // 3 + 1


@require_GET
@console_view
def node_reports(request, code):
    node = node_or_404(request, code)
    year = year_of(request)
    circular = circulars.build_circular(node, year)
    language = translation.get_language()
    dispatches = NoticeDispatch.objects.filter(node=node).select_related("sent_by")[:20]
    return page(request, "cadre_policy/console/reports.html", {
        "node": node, "year": year, "circular_text": circular_exports.to_text(circular, language=language),
        "circular": circular, "dispatches": dispatches, "breadcrumbs": breadcrumbs(request, node),
        "notice_form": NoticeForm(initial={"year": year, "quarter": _quarter_now()}),
        "can_change": may_change(request.user, node), "nodes": top_nodes(request),
    })


@require_GET
@console_view
def export(request, code, year, fmt):
    node = node_or_404(request, code)
    circular = circulars.build_circular(node, year)
    language = translation.get_language()
    if fmt == "xlsx":
        body, content_type, name = circular_exports.to_xlsx(circular, language=language), XLSX, f"{node.code}-{year}.xlsx"
    elif fmt in ("learners.csv", "units.csv"):
        part = fmt.split(".")[0]
        body = circular_exports.to_csv(circular, language=language, part=part)
        content_type, name = "text/csv; charset=utf-8", f"{node.code}-{year}-{part}.csv"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _when(dispatch):
    return date_format(localtime(dispatch.sent_at), "Y-m-d H:i")


def previous_dispatch(node, year, quarter):
    return NoticeDispatch.objects.filter(node=node, year=year, quarter=quarter).select_related("sent_by").first()


@require_POST
@console_view
def send_notices(request, code):
    node = node_or_404(request, code)
    if not may_change(request.user, node):
        return forbidden(request)
    form = NoticeForm(request.POST)
    back = reverse("cadre_policy:console:node-reports", args=[node.code])
    if not form.is_valid():
        messages.error(request, _("Choose the year and the quarter."))
        return redirect(back)
    year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    earlier = previous_dispatch(node, year, quarter)
    if earlier is not None and not form.cleaned_data["confirm_resend"]:
        messages.error(request, _("Quarter %(quarter)s of %(year)s was already sent for %(node)s on %(when)s by "
                                  "%(who)s to %(count)s learners. Tick “send again” to send it once more.") % {
            "quarter": quarter, "year": year, "node": node.name,
            "when": _when(earlier),
            "who": earlier.sent_by.get_username() if earlier.sent_by_id else "—", "count": earlier.sent})
        return redirect(f"{back}?year={year}")
    language = translation.get_language()
    run = notices.send_quarterly_notices(node, year, quarter, language=language)
    with transaction.atomic():
        dispatch = NoticeDispatch.objects.create(
            node=node, year=year, quarter=quarter, language=language, sent_by=request.user, resend=earlier is not None,
            sent=run.sent, failed=len(run.failed), skipped=len(run.skipped_no_email) + len(run.skipped_no_status))
        rows = [NoticeRecipient(dispatch=dispatch, user_id=line.user_id, email=line.email, subject=subject[:255],
                                outcome=NoticeRecipient.Outcome.SENT) for line, subject in run.delivered]
        rows += [NoticeRecipient(dispatch=dispatch, user_id=line.user_id, email=line.email,
                                 outcome=NoticeRecipient.Outcome.FAILED) for line in run.failed]
        rows += [NoticeRecipient(dispatch=dispatch, user_id=line.user_id, outcome=NoticeRecipient.Outcome.NO_EMAIL)
                 for line in run.skipped_no_email]
        rows += [NoticeRecipient(dispatch=dispatch, user_id=line.user_id, email=line.email,
                                 outcome=NoticeRecipient.Outcome.NO_STATUS) for line in run.skipped_no_status]
        NoticeRecipient.objects.bulk_create(rows)
        audit(request.user, "notices.send", target=dispatch, detail={
            "node": node.code, "year": year, "quarter": quarter, "sent": run.sent, "failed": len(run.failed),
            "resend": earlier is not None})
    if earlier is not None:
        messages.warning(request, _("Quarter %(quarter)s of %(year)s sent again: %(sent)s notices sent (it was "
                                    "first sent on %(when)s).") % {"quarter": quarter, "year": year, "sent": run.sent,
                                                                   "when": _when(earlier)})
    else:
        messages.success(request, _("Quarter %(quarter)s of %(year)s: %(sent)s notices sent, %(failed)s failed, "
                                    "%(skipped)s skipped.") % {"quarter": quarter, "year": year, "sent": run.sent,
                                                               "failed": len(run.failed), "skipped": dispatch.skipped})
    return redirect("cadre_policy:console:dispatch", pk=dispatch.pk)


@require_GET
@console_view
def dispatch(request, pk):
    """One sending and its recipients (only for a node in the subtree)."""
    record = get_object_or_404(NoticeDispatch.objects.filter(node__in=scope.visible_nodes(request.user))
                               .select_related("node", "sent_by"), pk=pk)
    recipients = record.recipients.select_related("user__cadre_profile__unit").order_by("outcome", "id")
    return page(request, "cadre_policy/console/dispatch.html", {"dispatch": record, "recipients": recipients,
                                                                 "breadcrumbs": breadcrumbs(request, record.node)})
