"""
REST views: thin — parse, check the scope, call the api, return its plain data.

Scope answers: not logged in → 401/403 (DRF); not an administrator → 403; a unit,
learner or entry outside the administrator's subtree → 404, exactly as for one that
does not exist, so the API never confirms what it will not show.
"""
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cadre_policy_plugin import api
from cadre_policy_plugin.models import LearnerProfile, LedgerEntry, OrgNode
from cadre_policy_plugin.rest_api.encoding import jsonable
from cadre_policy_plugin.rest_api.parsers import BoundedJSONParser
from cadre_policy_plugin.rest_api.permissions import IsUnitAdministrator
from cadre_policy_plugin.rest_api.serializers import AddEntrySerializer, RevokeSerializer
from cadre_policy_plugin.services import scope


def _year(request):
    raw = request.query_params.get("year")
    if raw is None:
        return None
    if not raw.isdigit() or not 1990 < int(raw) < 2200:
        raise ValidationError({"year": "a four-digit year"})
    return int(raw)


def _django_errors(exc):
    return getattr(exc, "message_dict", None) or {"detail": exc.messages}


def _learner_in_scope(request, user_id, *, write=False):
    """The learner, or 404 outside the caller's subtree (``write``: where their role may change things)."""
    learner = get_user_model().objects.filter(pk=user_id).first()
    allowed = scope.can_manage_learner if write else scope.can_view_learner
    if learner is None or not allowed(request.user, learner):
        raise Http404
    return learner


class MyFileView(APIView):
    """GET: the caller's own training file for ``?year=`` (default: the current year)."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        try:
            return Response(jsonable(api.learner_file(request.user, _year(request))))
        except LearnerProfile.DoesNotExist:
            raise Http404 from None


class MyStatusView(APIView):
    """GET: the caller's year summary (needed/earned/met) for ``?year=``."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        summary = api.learner_year_summary(request.user, _year(request))
        if summary is None:
            raise Http404
        return Response(jsonable(summary))


class UnitSummaryView(APIView):
    """GET: a unit's year summary (counts) — administrators of that unit or above only."""

    permission_classes = [IsUnitAdministrator]
    include_learners = False

    def get(self, request, code):
        node = OrgNode.objects.filter(code=code).first()
        if node is None or not scope.can_administer_node(request.user, node):
            raise Http404
        summary = api.unit_summary(node, _year(request))
        if not self.include_learners:
            summary = {key: value for key, value in summary.items() if key != "learners"}
        else:
            summary = {"unit": summary["unit"], "year": summary["year"], "learners": summary["learners"]}
        return Response(jsonable(summary))


class UnitLearnersView(UnitSummaryView):
    """GET: the learners of a unit's subtree with their year figures (masked ID numbers)."""

    include_learners = True


class LearnerFileView(APIView):
    """GET: one learner's file, for an administrator of the learner's unit."""

    permission_classes = [IsUnitAdministrator]

    def get(self, request, user_id):
        learner = _learner_in_scope(request, user_id)
        return Response(jsonable(api.learner_file(learner, _year(request))))


class LearnerEntriesView(APIView):
    """POST: add an entry (back-fill, offline training, self-study, lecturing, live class) with a reason."""

    permission_classes = [IsUnitAdministrator]
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]

    def post(self, request, user_id):
        learner = _learner_in_scope(request, user_id, write=True)
        serializer = AddEntrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            entry = api.add_entry(
                learner, source=data["source"], category=data.get("category"), entered_by=request.user,
                reason=data["reason"], earned_on=data["earned_on"], evidence_type=data.get("evidence_type"),
                evidence_ref=data.get("evidence_ref") or None, course_key=data.get("course_key") or "",
                **serializer.quantities())
        except DjangoValidationError as exc:
            return Response(jsonable(_django_errors(exc)), status=status.HTTP_400_BAD_REQUEST)
        if entry is None:
            return Response({"detail": "this evidence is already credited to the learner"},
                            status=status.HTTP_409_CONFLICT)
        return Response(jsonable(entry), status=status.HTTP_201_CREATED)


class RevokeEntryView(APIView):
    """POST ``{"reason": ...}``: reverse an entry of a learner in the caller's subtree."""

    permission_classes = [IsUnitAdministrator]
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]

    def post(self, request, entry_uuid):
        row = LedgerEntry.objects.select_related("user").filter(uuid=entry_uuid).first()
        if row is None or not scope.can_manage_learner(request.user, row.user):
            raise Http404
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            reversal = api.revoke_entry(row.uuid, by=request.user, reason=serializer.validated_data["reason"])
        except DjangoPermissionDenied:
            raise Http404 from None
        except DjangoValidationError as exc:
            return Response(jsonable(_django_errors(exc)), status=status.HTTP_400_BAD_REQUEST)
        return Response(jsonable(reversal), status=status.HTTP_201_CREATED)
