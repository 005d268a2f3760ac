"""
Evidence documents over REST: an entry credited on an uploaded file, and reading the
file back.

``POST learners/<user_id>/entries/upload/`` is the multipart sibling of
``learners/<user_id>/entries/``: the same fields and the same scope (404 outside the
administrator's subtree), plus a ``document`` file (PDF, JPEG or PNG, recognised by
its bytes).  ``GET documents/<sha256>/`` returns the file to the learner whose entry
it backs and to administrators of that learner's unit; everyone else gets 404 (403
when not logged in), exactly as for a document that does not exist.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cadre_policy_plugin.rest_api.encoding import jsonable
from cadre_policy_plugin.rest_api.permissions import IsUnitAdministrator
from cadre_policy_plugin.rest_api.serializers import AddEntrySerializer
from cadre_policy_plugin.rest_api.views import _django_errors, _learner_in_scope
from cadre_policy_plugin.services import evidence


def document_json(document):
    return {"sha256": document.sha256, "content_type": document.content_type, "size": document.size,
            "uploaded_at": document.uploaded_at}


class UploadEntryView(APIView):
    """POST (multipart): add an entry credited on an uploaded ``document``."""

    permission_classes = [IsUnitAdministrator]
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request, user_id):
        learner = _learner_in_scope(request, user_id, write=True)
        upload = request.FILES.get("document")
        if upload is None:
            return Response({"document": ["a PDF, JPEG or PNG file is required"]}, status=status.HTTP_400_BAD_REQUEST)
        fields = {key: value for key, value in request.data.items()
                  if key not in ("document", "evidence_type", "evidence_ref")}
        serializer = AddEntrySerializer(data=fields)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            entry, document = evidence.add_entry_with_document(
                learner, upload, source=data["source"], category=data.get("category"), entered_by=request.user,
                reason=data["reason"], earned_on=data["earned_on"], course_key=data.get("course_key") or "",
                **serializer.quantities())
        except DjangoValidationError as exc:
            return Response(jsonable(_django_errors(exc)), status=status.HTTP_400_BAD_REQUEST)
        if entry is None:
            return Response({"detail": "this document is already credited to the learner",
                             "document": jsonable(document_json(document))}, status=status.HTTP_409_CONFLICT)
        return Response(jsonable({**jsonable(entry), "document": document_json(document)}),
                        status=status.HTTP_201_CREATED)


class DocumentView(APIView):
    """GET: the document's bytes, for the learner it backs and their unit's administrators."""

    permission_classes = [IsAuthenticated]

    def get(self, request, sha256):
        document = evidence.document_for_ref(sha256)
        if document is None or not evidence.can_read_document(request.user, document):
            raise Http404
        handle = document.file.open("rb")
        return FileResponse(handle, content_type=document.content_type, as_attachment=True,
                            filename=f"evidence-{document.sha256[:12]}{document.extension}")
