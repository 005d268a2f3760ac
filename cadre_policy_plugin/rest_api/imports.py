"""
Imports over REST, for unit administrators: the learner roster and the entry
back-fill (补录), each a multipart upload of one CSV or XLSX ``file``.

Answers: 403 for a caller who administers nothing; 400 with ``{"file": [...]}`` when
the file cannot be read at all; 400 with the full row report (every row error with
its row and column) when any row is wrong, and then nothing was written; 200 with the
row report otherwise (``"written": true``, or ``false`` for ``dry_run``).  ID numbers
appear masked only.
"""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cadre_policy_plugin.conf import cadre_setting
from cadre_policy_plugin.rest_api.encoding import jsonable
from cadre_policy_plugin.rest_api.permissions import IsUnitAdministrator
from cadre_policy_plugin.services import entry_import, roster_import


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(required=False, default=False)


class RosterImportSerializer(ImportSerializer):
    approve = serializers.BooleanField(required=False, default=False)
    # New learners get an initial password, returned once in their row (``initial_password``).
    initial_passwords = serializers.BooleanField(required=False, default=False)


class EntryImportSerializer(ImportSerializer):
    reason = serializers.CharField(max_length=2000, trim_whitespace=True)


class BaseImportView(APIView):
    permission_classes = [IsUnitAdministrator]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportSerializer

    def run(self, request, data, filename, options):
        """Run this endpoint's import and return its row report (each subclass names its import)."""
        raise NotImplementedError(f"{type(self).__name__} must say which import it runs")

    def post(self, request):
        serializer = self.serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        limit = cadre_setting("IMPORT_MAX_BYTES")
        if upload.size > limit:
            return Response({"file": [f"larger than {limit} bytes"]}, status=status.HTTP_400_BAD_REQUEST)
        data = upload.read()
        try:
            report = self.run(request, data, upload.name or "", serializer.validated_data)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except DjangoValidationError as exc:
            return Response({"file": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        code = status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST
        response = Response(jsonable(report.as_dict()), status=code)
        response["Cache-Control"] = "no-store"
        return response


class RosterImportView(BaseImportView):
    """
    POST (multipart ``file``, ``dry_run``, ``approve``, ``initial_passwords``): import learners,
    all rows or none; with ``initial_passwords`` each created row carries its initial password
    (this answer is the only place it is ever shown: ``Cache-Control: no-store``).
    """

    serializer_class = RosterImportSerializer

    def run(self, request, data, filename, options):
        return roster_import.import_roster(data, filename, admin=request.user, dry_run=options["dry_run"],
                                           approve=options["approve"], initial_passwords=options["initial_passwords"])


class EntryImportView(BaseImportView):
    """POST (multipart ``file``, ``reason``, ``dry_run``): back-fill entries (补录), all rows or none."""

    serializer_class = EntryImportSerializer

    def run(self, request, data, filename, options):
        return entry_import.import_entries(data, filename, admin=request.user, reason=options["reason"],
                                           dry_run=options["dry_run"])
