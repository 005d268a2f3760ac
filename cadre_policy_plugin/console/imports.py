"""
Imports from the console: the roster and the entry back-fill, dry run first.

Step 1 (``preview``) uploads the file and runs the import as a dry run: the page shows
every row the import would write and every row error (row, column, message) — the
services check the whole file before writing anything.  The file is kept in the
default storage under ``cadre_imports/<token>`` and its token in the session, so step 2
(``run``) imports exactly the previewed bytes (the SHA-256 is checked) without a second
upload; the kept file is deleted after the run.

Progress for large files: the page's script sends the file with the progress token and
polls ``imports/progress/<token>/``, which reads what the import's ``progress``
callback last wrote to the cache (``cadre:import:<user>:<token>``).  With several web
processes the cache must be shared (Redis, as the LMS runs it); without the script the
forms still work, just without the bar.
"""
import hashlib
import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cadre_policy_plugin.conf import cadre_setting
from cadre_policy_plugin.console.access import console_view, forbidden, may_change_somewhere, page
from cadre_policy_plugin.console.forms import ImportForm
from cadre_policy_plugin.services import entry_import, roster_import

KINDS = ("roster", "entries")
ACTIONS = {
    "create": gettext_lazy("new learner"), "link": gettext_lazy("profile for an existing account"),
    "update": gettext_lazy("update"), "unchanged": gettext_lazy("unchanged"), "credited": gettext_lazy("credited"),
    "not_counted": gettext_lazy("recorded, not counted"), "already": gettext_lazy("already in the ledger"),
}
SESSION_KEY = "cadre_console_imports"
PROGRESS_TTL = 3600


def _progress_key(user, token):
    return f"cadre:import:{user.pk}:{token}"


def _progress(user, token):
    def report(stage, done, total):
        cache.set(_progress_key(user, token), {"stage": stage, "done": done, "total": total}, PROGRESS_TTL)
    return report


def _run(kind, data, name, user, options, *, dry_run, token):
    progress = _progress(user, token) if token else None
    if kind == "roster":
        return roster_import.import_roster(data, name, admin=user, dry_run=dry_run, approve=options.get("approve"),
                                           progress=progress)
    return entry_import.import_entries(data, name, admin=user, reason=options.get("reason", ""), dry_run=dry_run,
                                       progress=progress)


def _rows(report):
    """The report's rows for the page, each with its action in words."""
    return [{**row.as_dict(), "action_label": ACTIONS.get(row.action, row.action)} for row in report.rows]


def _token(request):
    token = (request.POST.get("progress_token") or "").strip()
    return token if token.isalnum() and len(token) <= 64 else secrets.token_hex(16)


@require_GET
@console_view
def index(request):
    return page(request, "cadre_policy/console/imports.html", {
        "form": ImportForm(), "kinds": KINDS, "max_bytes": cadre_setting("IMPORT_MAX_BYTES"),
        "can_change": may_change_somewhere(request.user)})


@require_POST
@console_view
def preview(request, kind):
    if kind not in KINDS:
        raise Http404
    if not may_change_somewhere(request.user):
        return forbidden(request)
    form = ImportForm(request.POST, request.FILES)
    context = {"form": form, "kinds": KINDS, "kind": kind, "max_bytes": cadre_setting("IMPORT_MAX_BYTES"),
               "can_change": True}
    if not form.is_valid():
        return page(request, "cadre_policy/console/imports.html", context, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > cadre_setting("IMPORT_MAX_BYTES"):
        form.add_error("file", _("The file is larger than %(limit)s bytes.") % {"limit": cadre_setting("IMPORT_MAX_BYTES")})
        return page(request, "cadre_policy/console/imports.html", context, status=400)
    if kind == "entries" and not form.cleaned_data["reason"].strip():
        form.add_error("reason", _("A reason is required for every entry an administrator adds."))
        return page(request, "cadre_policy/console/imports.html", context, status=400)
    data = upload.read()
    token = secrets.token_hex(16)
    options = {"reason": form.cleaned_data["reason"], "approve": form.cleaned_data["approve"]}
    try:
        report = _run(kind, data, upload.name or "", request.user, options, dry_run=True, token=_token(request))
    except PermissionDenied:
        return forbidden(request)
    except ValidationError as exc:
        form.add_error("file", "; ".join(exc.messages))
        return page(request, "cadre_policy/console/imports.html", context, status=400)
    stored = None
    if report.ok:
        stored = default_storage.save(f"cadre_imports/{token}", ContentFile(data))
        pending = request.session.get(SESSION_KEY, {})
        pending[token] = {"kind": kind, "name": upload.name or "", "sha256": hashlib.sha256(data).hexdigest(),
                          "path": stored, **options}
        request.session[SESSION_KEY] = pending
    return page(request, "cadre_policy/console/import_preview.html",
                {"report": report, "rows": _rows(report), "kind": kind, "token": token if stored else "", "name": upload.name,
                 "options": options}, status=200 if report.ok else 400)


@require_POST
@console_view
def run(request, kind):
    pending = request.session.get(SESSION_KEY, {})
    token = request.POST.get("token", "")
    job = pending.get(token)
    if kind not in KINDS or job is None or job["kind"] != kind:
        raise Http404
    if not may_change_somewhere(request.user):
        return forbidden(request)
    with default_storage.open(job["path"], "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != job["sha256"]:
        raise Http404
    try:
        report = _run(kind, data, job["name"], request.user, job, dry_run=False, token=_token(request))
    except PermissionDenied:
        return forbidden(request)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("cadre_policy:console:imports")
    finally:
        pending.pop(token, None)
        request.session[SESSION_KEY] = pending
    default_storage.delete(job["path"])
    return page(request, "cadre_policy/console/import_preview.html",
                {"report": report, "rows": _rows(report), "kind": kind, "token": "", "name": job["name"], "options": job},
                status=200 if report.ok else 400)


@require_GET
@console_view
def progress(request, token):
    """What the running import last reported (``{}`` before it starts)."""
    return JsonResponse(cache.get(_progress_key(request.user, token)) or {})
