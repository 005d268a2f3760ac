"""
The console's reading pages: the units, a unit's dashboard, a learner's file.

Each view is wrapped by ``console_view`` (see ``access.py``) and renders a template
extending ``cadre_policy/console/base.html``, which extends the host's page base
(``CADRE_POLICY["PAGE_BASE_TEMPLATE"]``).  Every object is looked up inside the
administrator's subtree: anything outside it is a 404.
"""
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cadre_policy_plugin import api
from cadre_policy_plugin.console import close, stats
from cadre_policy_plugin.console.access import console_view, may_change, node_or_404, page, profile_or_404, year_of
from cadre_policy_plugin.console.entry_rows import entry_rows
from cadre_policy_plugin.console.forms import EntryForm
from cadre_policy_plugin.declarations.service import form_lines, visible_declarations
from cadre_policy_plugin.models import EvidenceDocument, EvidenceType, OrgNode, Rank, Source
from cadre_policy_plugin.services import evidence
from cadre_policy_plugin.services.evaluation import current_year

PAGE_SIZE = 25
MONTH_LABELS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")


def top_nodes(request):
    """The nodes the administrator holds (a superuser: the roots), in tree order."""
    if request.cadre_nodes is None:
        return list(OrgNode.objects.filter(parent__isnull=True).order_by("path"))
    return sorted(request.cadre_nodes, key=lambda node: node.path)


def breadcrumbs(request, node):
    """The chain from the administrator's own node down to ``node`` (nothing above their grant)."""
    chain = node.ancestors()
    if request.cadre_nodes is None:
        return chain
    for index, candidate in enumerate(chain):
        if any(candidate.pk == own.pk for own in request.cadre_nodes):
            return chain[index:]
    return [node]


@require_GET
@console_view
def index(request):
    """The units the signed-in administrator administers, each with its year's headline and a way in."""
    year = current_year()
    nodes = [{"node": node, "totals": stats.totals(node, year)} for node in top_nodes(request)]
    return page(request, "cadre_policy/console/index.html", {"nodes": nodes, "year": year})


def _chart_data(rates, months, totals):
    return {
        "units": {"labels": [row["node"].name for row in rates],
                  "rates": [float(row["rate"]) if row["rate"] is not None else 0 for row in rates]},
        "months": {"labels": list(MONTH_LABELS),
                   "required": [float(row["required"]) for row in months],
                   "elective": [float(row["elective"]) for row in months],
                   "other": [float(row["other"]) for row in months],
                   "rates": [float(row["rate"]) if row["rate"] is not None else 0 for row in months]},
        "labels": {"rate": str(_("Completion rate (%)")), "required": str(_("Required earned")),
                   "elective": str(_("Elective earned")), "other": str(_("Other earned"))},
    }


@require_GET
@console_view
def unit(request, code):
    """A unit's dashboard: rates by child unit and by month, required vs elective, who is below target."""
    node = node_or_404(request, code)
    year = year_of(request)
    rates = stats.unit_rates(node, year)
    months = stats.monthly(node, year)
    totals = stats.totals(node, year)
    search = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort", stats.DEFAULT_SORT)
    if sort not in stats.SORTS:
        sort = stats.DEFAULT_SORT
    everyone = request.GET.get("show") == "all"
    below = Paginator(stats.below_target(node, year, search=search, sort=sort, everyone=everyone), PAGE_SIZE)
    below_page = below.get_page(request.GET.get("page"))
    return page(request, "cadre_policy/console/unit.html", {
        "node": node, "year": year, "years": stats.available_years(node, current_year()),
        "rates": rates, "months": months, "totals": totals, "below": below_page, "search": search, "sort": sort,
        "everyone": everyone,
        "breadcrumbs": breadcrumbs(request, node), "chart_data": _chart_data(rates, months, totals),
        "can_change": may_change(request.user, node), "close_jobs": close.job_rows(node),
    })


def requirement_labels():
    return {"total": _("Total"), "required": _("Required"), "elective": _("Elective"), "online": _("Online")}


_UUID_SLOT = "00000000-0000-0000-0000-000000000000"
_DOCUMENT_SLOT = "0" * 64


def _entry_urls(user_id):
    """
    ``(correct, revoke, document)`` URL patterns of one learner's entries, reversed once
    per page: a file of forty entries would otherwise reverse 120 URLs in its template.
    """
    correct = reverse("cadre_policy:console:entry-correct", args=[user_id, _UUID_SLOT])
    revoke = reverse("cadre_policy:console:entry-revoke", args=[user_id, _UUID_SLOT])
    document = reverse("cadre_policy:console:document", args=[_DOCUMENT_SLOT])
    return correct, revoke, document


def _labelled_entries(learner_file, user_id):
    """The file's entries with every label and link the page shows, computed once per page, not per row in the template."""
    # Labels as plain text once (the choices' lazy strings resolve on every use otherwise).
    sources = {value: str(label) for value, label in Source.choices}
    evidence_types = {value: str(label) for value, label in EvidenceType.choices}
    categories = {"required": _("Required"), "elective": _("Elective")}
    states = {"reversal": _("Reversal"), "revoked": _("Revoked"), "counted": _("Yes"), "not_counted": _("No")}
    correct, revoke, document = _entry_urls(user_id)
    rows = []
    for entry in learner_file["entries"]:
        uuid = str(entry["uuid"])
        if entry.get("reverses"):
            state = "reversal"
        elif entry["reversed"]:
            state = "revoked"
        else:
            state = "counted" if entry["counted"] else "not_counted"
        upload = entry["evidence_type"] == EvidenceType.UPLOAD
        rows.append({**entry, "earned_on_text": entry["earned_on"].isoformat() if entry["earned_on"] else "",
                     "hours_text": "" if entry["hours"] is None else str(entry["hours"]),
                     "credits_text": "" if entry["credits"] is None else str(entry["credits"]),
                     "source_label": sources.get(entry["source"], entry["source"]),
                     "category_label": categories.get(entry["category"] or "", ""),
                     "evidence_label": evidence_types.get(entry["evidence_type"], entry["evidence_type"]),
                     "state_label": states[state], "actionable": state in ("counted", "not_counted"),
                     "correct_url": correct.replace(_UUID_SLOT, uuid), "revoke_url": revoke.replace(_UUID_SLOT, uuid),
                     "document_url": document.replace(_DOCUMENT_SLOT, entry["evidence_ref"]) if upload else ""})
    return rows


#: The unbound back-fill form as HTML, per language: the same on every page, and
#: rendering a form through Django's widget templates costs more than the whole file.
_EMPTY_ENTRY_FORM = {}


def empty_entry_form_html():
    language = get_language()
    html = _EMPTY_ENTRY_FORM.get(language)
    if html is None:
        html = _EMPTY_ENTRY_FORM[language] = EntryForm(initial={"earned_on": None}).as_p()
    return html


def _labelled_requirements(learner_file):
    labels = requirement_labels()
    return [{**item, "label": labels.get(item["key"], item["key"])}
            for item in (learner_file.get("status") or {}).get("requirements", [])]


@require_GET
@console_view
def learner(request, user_id):
    """The learner's training file as the learner sees it (ID masked), with the unit's entry actions."""
    profile = profile_or_404(request, user_id)
    year = year_of(request)
    learner_file = api.learner_file(profile.user, year, profile=profile)
    can_change = may_change(request.user, profile.unit)
    entries = _labelled_entries(learner_file, profile.user_id)
    return page(request, "cadre_policy/console/learner.html", {
        "profile": profile, "file": learner_file, "entries": entries,
        "year": year,
        "requirements": _labelled_requirements(learner_file),
        "years": range(current_year(), current_year() - 5, -1), "rank_label": dict(Rank.choices).get(profile.rank),
        "breadcrumbs": breadcrumbs(request, profile.unit), "can_change": can_change,
        "entry_form": empty_entry_form_html() if can_change else None,
        "entry_rows": entry_rows(entries, can_change=can_change, csrf_token=get_token(request),
                                 labels={"correct": _("Correct"), "revoke": _("Revoke"),
                                         "revoke_reason": _("Reason for revocation")},
                                 empty_text=_("No entries this year.")),
        "declarations": form_lines(profile.user, year),
    })


@require_GET
@console_view
def document(request, sha256):
    """An evidence document backing an entry of a learner in the subtree (404 for anything else)."""
    document = EvidenceDocument.objects.filter(sha256=sha256).first()
    if document is None or not (evidence.can_read_document(request.user, document)
                                or visible_declarations(request.user).filter(document=document).exists()):
        raise Http404
    return FileResponse(document.file.open("rb"), content_type=document.content_type,
                        filename=f"{document.sha256[:12]}{document.extension}")

