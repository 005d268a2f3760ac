"""
Plain Django views: the public certificate verification page and the certificate PDF.

The verification page confirms a code without any ID number: name, unit, year, hours
and serial are what the certificate itself shows.  Attempts are rate-limited per
client (``throttling``): guessing codes meets a 429.  The PDF is served to its owner and to
administrators of the owner's unit; anyone else gets 404 (never a hint that it exists).
"""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cadre_policy_plugin import api
from cadre_policy_plugin.certificate_pdf import render_certificate
from cadre_policy_plugin.models import AnnualCertificate
from cadre_policy_plugin.services import scope
from cadre_policy_plugin.throttling import VERIFY_SCOPE, rate_limited


@require_GET
@rate_limited(VERIFY_SCOPE, when=lambda request: bool(request.GET.get("code", "").strip()))
def verify_certificate(request):
    code = request.GET.get("code", "").strip()
    result = api.verify_annual_certificate(code) if code else None
    return render(request, "cadre_policy/verify_certificate.html",
                  {"code": code, "certificate": result, "checked": bool(code)})


@login_required
@require_GET
def certificate_pdf(request, serial):
    cert = AnnualCertificate.objects.filter(serial=serial, revoked_at__isnull=True).select_related("user").first()
    if cert is None or not (cert.user_id == request.user.pk or scope.can_view_learner(request.user, cert.user)):
        raise Http404
    response = HttpResponse(render_certificate(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.serial}.pdf"'
    return response
