"""
The year-end close in the unit console: where the unit's close jobs stand, and a way to
start one.

The unit's dashboard lists its newest close jobs (``api.year_close_jobs``): learners
done of all, chunks, learners per second and the time left; the page's script follows
an unfinished job through the REST status endpoint until it is done (without the script
the page shows the state it was loaded with).  A 管理员 of the unit may queue a close of
the shown year for the unit (``api.start_year_close``: a job already running for the
same unit and year is resumed, not doubled); a 联络员 sees the progress only.
"""
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadre_policy_plugin import api
from cadre_policy_plugin.console.access import console_view, forbidden, may_change, node_or_404, year_of
from cadre_policy_plugin.models import CloseJob


def _duration(seconds):
    if seconds is None:
        return "—"
    seconds = int(seconds)
    if seconds >= 3600:
        return _("%(h)d h %(m)02d min") % {"h": seconds // 3600, "m": seconds % 3600 // 60}
    if seconds >= 60:
        return _("%(m)d min %(s)02d s") % {"m": seconds // 60, "s": seconds % 60}
    return _("%(s)d s") % {"s": seconds}


def job_rows(node, limit=5):
    """The unit's newest close jobs as the dashboard shows them (labels translated, figures formatted)."""
    reasons = dict(CloseJob.Reason.choices)
    rows = []
    for job in api.year_close_jobs(node, limit=limit):
        rows.append({
            **job, "reason_label": reasons.get(job["reason"], job["reason"]),
            "years_text": ", ".join(str(year) for year in job["years"]),
            "rate_text": f"{job['rate']:,.0f}" if job["rate"] else "—",
            "eta_text": "—" if job["finished"] else _duration(job["eta_seconds"]),
            "status_url": reverse("cadre_policy:api-close-job", args=[job["job_id"]]),
        })
    return rows


@require_POST
@console_view
def start(request, code):
    """Queue the year-end close of ``?year=`` (the form's year) for the unit; 管理员 only."""
    node = node_or_404(request, code)
    if not may_change(request.user, node):
        return forbidden(request)
    year = year_of(request)
    progress = api.start_year_close(node, [year], requested_by=request.user)
    messages.success(request, _("The statuses of %(learners)s learner(s) of %(unit)s for %(year)s are being "
                                "recomputed (close job %(job)s).") % {
        "learners": progress["learners_total"], "unit": node.name, "year": year, "job": progress["job_id"]})
    return redirect(f"{reverse('cadre_policy:console:unit', args=[node.code])}?year={year}#close-jobs")
