"""
REST views of the year-end close (``services/close.py``): its progress for the unit
console, and starting one for a unit.

A job is visible to the administrators of its node and the nodes above; a job over
every learner only to superusers.  Outside the caller's scope a job is a 404, as for
one that does not exist.
"""
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from cadre_policy_plugin import api
from cadre_policy_plugin.models import CloseJob, OrgNode
from cadre_policy_plugin.rest_api.encoding import jsonable
from cadre_policy_plugin.rest_api.permissions import IsUnitAdministrator
from cadre_policy_plugin.rest_api.views import _year
from cadre_policy_plugin.services import scope


def _node_in_scope(request, code):
    node = OrgNode.objects.filter(code=code).first()
    if node is None or not scope.can_administer_node(request.user, node):
        raise Http404
    return node


class CloseJobView(APIView):
    """GET: one close job's progress (done/total learners and chunks, rate, ETA, finished)."""

    permission_classes = [IsUnitAdministrator]

    def get(self, request, job_id):
        job = CloseJob.objects.select_related("node").filter(pk=job_id).first()
        if job is None:
            raise Http404
        if job.node is None:
            if scope.administered_nodes(request.user) is not None:
                raise Http404
        elif not scope.can_administer_node(request.user, job.node):
            raise Http404
        return Response(jsonable(api.year_close_status(job.pk)))


class UnitCloseJobsView(APIView):
    """GET: the unit's newest close jobs with their progress; POST: close ``?year=`` for the unit."""

    permission_classes = [IsUnitAdministrator]

    def get(self, request, code):
        node = _node_in_scope(request, code)
        return Response(jsonable({"unit": node.code, "jobs": api.year_close_jobs(node)}))

    def post(self, request, code):
        node = _node_in_scope(request, code)
        year = _year(request)
        progress = api.start_year_close(node, [year] if year else None, requested_by=request.user)
        return Response(jsonable(progress), status=status.HTTP_202_ACCEPTED)
