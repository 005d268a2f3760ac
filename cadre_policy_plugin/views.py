"""
The plugin's own pages: the learner home, 我的证书 (my certificates), the printable
statement of a year's hours (学时证明), the public certificate verification page and
the certificate PDF.

Every page is rendered with :func:`pages.render_page`, so it wears the host's chrome
(the LMS header, the sandbox's) and its language switch.  The verification page
confirms a code without any ID number: name, unit, year, hours and serial are what the
certificate itself shows.  Attempts are rate-limited per client (``throttling``):
guessing codes meets a 429.  A PDF is served to its owner and to administrators of the
owner's unit; anyone else gets 404 (never a hint that it exists).
"""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cadre_policy_plugin import api
from cadre_policy_plugin.certificate_pdf import render_certificate, render_hours_statement
from cadre_policy_plugin.models import AnnualCertificate
from cadre_policy_plugin.models.courses import Category, Topic
from cadre_policy_plugin.pages import render_page
from cadre_policy_plugin.services import scope
from cadre_policy_plugin.services.learner_home import COURSE_STATES
from cadre_policy_plugin.throttling import VERIFY_SCOPE, rate_limited


def _state_choices():
    from django.utils.translation import gettext as _

    labels = {"completed": _("Completed"), "in_progress": _("In progress"), "not_enrolled": _("Not enrolled")}
    return [(state, labels[state]) for state in COURSE_STATES]


def _choice(value, allowed):
    return value if value in allowed else ""


@login_required
@require_GET
def learner_home(request):
    """This year at a glance, the courses (filtered), continue-learning, certificates."""
    category = _choice(request.GET.get("category", ""), Category.values)
    topic = _choice(request.GET.get("topic", ""), Topic.values)
    state = _choice(request.GET.get("state", ""), COURSE_STATES)
    data = api.learner_home(request.user, category=category, topic=topic, state=state)
    return render_page(request, "cadre_policy/learner/home.html", {
        "home": data, "categories": Category.choices, "topics": Topic.choices, "states": _state_choices(),
        "topic_labels": dict(Topic.choices), "category_labels": {"required": Category.REQUIRED.label,
                                                                   "elective": Category.ELECTIVE.label},
        "state_labels": dict(_state_choices()), "filtered": bool(category or topic or state),
    })


@login_required
@require_GET
def my_certificates(request):
    """我的证书: every annual certificate with its verification code, link and PDF."""
    return render_page(request, "cadre_policy/learner/certificates.html", {
        "certificates": api.learner_certificates(request.user),
        "has_profile": api.has_active_profile(request.user),
        "this_year": timezone.localdate().year,
    })


@login_required
@require_GET
def hours_statement_pdf(request, year):
    """The printable 学时证明 of the signed-in learner's ``year`` (their own only)."""
    statement = api.learner_hours_statement(request.user, year)
    if statement is None:
        raise Http404
    response = HttpResponse(render_hours_statement(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="hours-statement-{year}.pdf"'
    return response


@require_GET
@rate_limited(VERIFY_SCOPE, when=lambda request: bool(request.GET.get("code", "").strip()))
def verify_certificate(request):
    """The public check of a verification code (case, spaces and dashes do not matter)."""
    code = request.GET.get("code", "").strip()[:64]
    result = api.verify_annual_certificate(code) if code else None
    return render_page(request, "cadre_policy/verify_certificate.html",
                       {"code": code, "certificate": result, "checked": bool(code)})


@login_required
@require_GET
def certificate_pdf(request, serial):
    cert = AnnualCertificate.objects.filter(serial=serial, revoked_at__isnull=True).select_related("user").first()
    if cert is None or not (cert.user_id == request.user.pk or scope.can_view_learner(request.user, cert.user)):
        raise Http404
    response = HttpResponse(render_certificate(cert, request), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{cert.serial}.pdf"'
    return response
