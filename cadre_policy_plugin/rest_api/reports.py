"""
``GET units/<code or id>/report/?year=&format=json|csv|xlsx``: a node's circular.

For administrators of that node or above (scope as every unit endpoint: 403 for a
caller who administers nothing, 404 for a node outside their subtree, exactly as for
one that does not exist).  ``format`` is DRF's own format switch, so the CSV and XLSX
renderers below are real renderers (an unknown format is a 404 from DRF's
negotiation); errors are always rendered as JSON, whatever format was asked for.
Other parameters: ``threshold`` (percent, default 80), ``part=units`` for the unit
table as CSV, ``language=en`` for English headers (default: the request's language).
"""
import tempfile
from decimal import Decimal, InvalidOperation

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cadre_policy_plugin.rest_api.encoding import jsonable
from cadre_policy_plugin.rest_api.permissions import IsUnitAdministrator
from cadre_policy_plugin.rest_api.views import _year
from cadre_policy_plugin.services import circular_exports, circulars, scope
from cadre_policy_plugin.services.evaluation import current_year


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data  # the view hands over the exported bytes


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def _threshold(request):
    raw = request.query_params.get("threshold")
    if raw is None:
        return circulars.DEFAULT_THRESHOLD
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise ValidationError({"threshold": _("A percentage between 0 and 100.")})
    return value


class UnitReportView(APIView):
    """GET: the circular of a node's subtree (units' completion rates, learners; masked IDs)."""

    permission_classes = [IsUnitAdministrator]
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]

    def handle_exception(self, exc):
        # A 403/404/400 for ?format=xlsx is still a JSON error body, never bytes labelled as a workbook.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def get(self, request, code):
        node = circulars.resolve_node(code)
        if node is None or not scope.can_administer_node(request.user, node):
            raise Http404
        year = _year(request) or current_year()
        threshold = _threshold(request)
        circular = circulars.build_circular(node, year, threshold=threshold)
        fmt = request.accepted_renderer.format
        if fmt == "json":
            return Response(jsonable(circular.as_dict()))
        language = request.query_params.get("language") or translation.get_language()
        filename = f"circular-{node.code}-{year}"
        if fmt == "csv":
            # Streamed: rows are read and written a batch at a time, so a province's
            # circular never sits whole in the worker's memory.
            part = "units" if request.query_params.get("part") == "units" else "learners"
            response = StreamingHttpResponse(circular_exports.iter_csv(circular, language=language, part=part),
                                             content_type="text/csv; charset=utf-8")
            filename = f"{filename}-{part}.csv"
        else:
            # openpyxl's write-only workbook goes to a spooled temporary file (on disk
            # past a few MB), which is then streamed.
            spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115 - closed by the response
            circular_exports.write_xlsx(circular, spool, language=language)
            spool.seek(0)
            response = FileResponse(spool, content_type=XLSXRenderer.media_type)
            filename = f"{filename}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
