"""
The host's own pages: sign-in with the demo accounts, the course list, and the pages
that show what the plugins hold (a learner's training file, a unit dashboard, the
registry's received records, certificate verification).

Data comes only through ``cadre_policy_plugin.api`` (the plugins' one door) and the
reference registry's HTTP API; where a plugin serves its own page, the host links to
it instead of rebuilding it.
"""
import logging
from datetime import UTC, datetime

import requests
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sandbox import demo_data, labels
from sandbox.courseware.models import Course, CourseEnrollment, GeneratedCertificate

log = logging.getLogger(__name__)


def _api():
    """The policy plugin's api, imported when first needed (after apps are ready)."""
    from cadre_policy_plugin import api

    return api


def _reverse_or_none(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def administered_nodes(user):
    """Codes of the organisation nodes ``user`` administers (the plugin's api decides)."""
    if not user.is_authenticated:
        return []
    return list(_api().administered_units(user))


def sandbox_context(request):
    """Template context for every page: display name and whether to show the unit link."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    try:
        is_admin = bool(administered_nodes(user)) or user.is_superuser
        has_profile = _api().has_active_profile(user)
        is_academy = _api().is_academy_staff(user)
    except Exception:  # noqa: BLE001 - a half-built plugin must not break every page
        log.exception("Sandbox: cannot ask the plugin for administered units")
        is_admin, has_profile, is_academy = user.is_superuser, False, user.is_superuser
    return {
        "sandbox_display_name": user.get_full_name() or user.get_username(),
        "sandbox_is_unit_admin": is_admin,
        "sandbox_has_profile": has_profile,
        "sandbox_is_academy_staff": is_academy,
        "sandbox_console_url": _reverse_or_none("cadre_policy:console:index") if is_admin else None,
        "sandbox_declarations_url": _reverse_or_none("cadre_policy:declarations"),
    }


def admin_for_staff_only(get_response):
    """
    Middleware: a signed-in person the Django admin does not admit gets 403 at ``/admin/``
    instead of a second sign-in form (unit administrators work in the plugin's console).
    """
    from django.contrib import admin

    def middleware(request):
        user = getattr(request, "user", None)
        if (request.path.startswith("/admin/") and user is not None and user.is_authenticated
                and not admin.site.has_permission(request)):
            return HttpResponseForbidden(_("The Django admin is for academy staff. Unit administrators use the "
                                           "unit administration console."))
        return get_response(request)

    return middleware


def healthz(request):
    """Liveness probe for the launcher and the e2e test."""
    return HttpResponse("ok", content_type="text/plain")


class SandboxLoginView(LoginView):
    """
    Django's sign-in (``authenticate()``, so the policy plugin's backend takes an ID
    number or a mobile number as well as a user name), with the demo accounts beside
    the form and the plugin's reason when it refused (too many attempts, a wrong check
    character).
    """

    template_name = "sandbox/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_accounts"] = demo_data.account_table()
        context["demo_password"] = demo_data.DEMO_PASSWORD
        context["demo_initial_password"] = demo_data.DEMO_INITIAL_PASSWORD
        context["sign_in_refusal"] = _api().sign_in_refusal_message(self.request)
        context["register_url"] = _reverse_or_none("cadre_policy:account:register")
        return context

    def form_invalid(self, form):
        """A throttled sign-in answers 429 (Too Many Requests), any other refusal 200 with the form."""
        response = super().form_invalid(form)
        if getattr(self.request, "cadre_sign_in_refusal", "") == "throttled":
            response.status_code = 429
        return response


@require_POST
def logout_view(request):
    """Sign out (POST only, as Django 5 requires)."""
    logout(request)
    return redirect("sandbox:login")


@login_required
def home(request):
    """
    A learner with an approved profile lands on the policy plugin's learner home (the
    year at a glance, courses, continue-learning, certificates); everyone else sees the
    plain course list with the learner's enrolment and certificate state.
    """
    api = _api()
    if api.has_active_profile(request.user):
        return redirect("cadre_policy:learner-home")
    enrolled = set(
        CourseEnrollment.objects.filter(user=request.user, is_active=True).values_list("course_id", flat=True)
    )
    certified = set(
        GeneratedCertificate.objects.filter(
            user=request.user, status=GeneratedCertificate.STATUS_DOWNLOADABLE
        ).values_list("course_id", flat=True)
    )
    courses = []
    for course in Course.objects.all():
        spec = None
        if hasattr(api, "get_course_credit_spec"):
            spec = api.get_course_credit_spec(course.course_key)
        courses.append(
            {"course": course, "spec": spec, "enrolled": course.id in enrolled, "certificate": course.id in certified}
        )
    calendar = api.learner_calendar(request.user) if hasattr(api, "learner_calendar") else None
    return render(request, "sandbox/home.html", {"courses": courses, "calendar": calendar})


def _year(request):
    """The year asked for (``?year=``), else this year in the deployment's time zone."""
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@login_required
def my_file(request):
    """The signed-in learner's electronic training file for a year (plugin data)."""
    year = _year(request)
    api = _api()
    if hasattr(api, "has_active_profile") and not api.has_active_profile(request.user):
        rejection = api.registration_rejection(request.user) if hasattr(api, "registration_rejection") else None
        return render(request, "sandbox/file.html", {"no_profile": True, "year": year, "rejection": rejection})
    learner_file = api.learner_file(request.user, year)
    status = learner_file.get("status") or {}
    course_names = dict(Course.objects.values_list("course_key", "display_name"))
    entries = [
        {
            **entry,
            "source_label": labels.SOURCES.get(entry["source"], entry["source"]),
            "category_label": labels.CATEGORIES.get(entry["category"], entry["category"] or ""),
            "evidence_label": labels.EVIDENCE.get(entry["evidence_type"], entry["evidence_type"]),
            "course_name": course_names.get(entry.get("course_key") or "", entry.get("course_key") or ""),
        }
        for entry in learner_file["entries"]
    ]
    requirements = [
        {**item, "label": labels.REQUIREMENTS.get(item["key"], item["key"])} for item in status.get("requirements", [])
    ]
    return render(
        request,
        "sandbox/file.html",
        {
            "file": learner_file,
            "status": status,
            "entries": entries,
            "requirements": requirements,
            "rank_label": labels.RANKS.get(learner_file["profile"]["rank"], learner_file["profile"]["rank"]),
            "unit_label": labels.UNITS.get(status.get("unit"), status.get("unit")),
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 3, -1),
        },
    )


@login_required
def unit_dashboard(request):
    """An administrator's units: learners, hours and who has met the year's quota."""
    nodes = administered_nodes(request.user)
    if not nodes:
        return HttpResponseForbidden(_("Only unit administrators can see unit dashboards."))
    year = _year(request)
    api = _api()
    summaries = []
    for node in nodes:
        summary = api.unit_summary(node, year)
        for learner in summary["learners"]:
            learner["rank_label"] = labels.RANKS.get(learner["rank"], learner["rank"])
        summaries.append(summary)
    return render(request, "sandbox/units.html", {"summaries": summaries, "year": year})


@login_required
def registry_records(request):
    """
    What the reference registry has received (read from its own HTTP API): every
    province's records, so platform or academy staff only (a learner or a unit
    administrator gets 403).
    """
    if not (request.user.is_staff or _api().is_academy_staff(request.user)):
        return HttpResponseForbidden(_("Only platform staff can see the registry's records."))
    base = settings.SANDBOX_REGISTRY_URL.rstrip("/")
    records, error = [], None
    try:
        response = requests.get(
            f"{base}/admin/records", headers={"X-Admin-Token": settings.SANDBOX_REGISTRY_ADMIN_TOKEN}, timeout=5
        )
        response.raise_for_status()
        records = response.json().get("records", [])[:200]
    except (requests.RequestException, ValueError) as exc:
        error = str(exc)
    for record in records:
        record["received"] = datetime.fromtimestamp(record.get("received_at") or 0, tz=UTC)
    return render(
        request,
        "sandbox/registry.html",
        {"records": records, "error": error, "registry_url": base + "/"},
    )


def verify_certificate(request):
    """Send the visitor to the plugin's public verification page."""
    target = _reverse_or_none("cadre_policy:verify-certificate")
    if target:
        query = request.META.get("QUERY_STRING")
        return redirect(f"{target}?{query}" if query else target)
    return render(request, "sandbox/verify_unavailable.html", status=503)
