"""
The year's hours registration form as the filed record (XLSX).

Why XLSX and not PDF: the certificate's embedded font is a subset of the characters a
certificate prints (ADR 0014); a form carries free text (titles, organisers, review
notes) that such a subset cannot promise to cover, and the organisation department
files and sums these forms in spreadsheets.  One workbook holds one sheet per learner
(the form: header with name, unit, rank and masked ID number, one row per line with
its review and the hours the ledger counted, the total of approved hours and the
review/signature lines) — the learner's own download is the same workbook with one
sheet.  Text cells that a spreadsheet would run as a formula are prefixed with an
apostrophe, as in the circular exports.  Headers follow the page's language.
"""
import io
import re
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from cadre_policy_plugin.declarations.service import counted_hours, form_lines
from cadre_policy_plugin.models import DeclarationKind, DeclarationStatus, Rank
from cadre_policy_plugin.services.circular_exports import _safe, pick_language

ZERO = Decimal("0")


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def _quantity(line):
    if line.half_days is not None:
        text = _("%(n)s half days") % {"n": format(line.half_days.normalize(), "f")}
        if line.absent_hours:
            text += "; " + _("%(n)s hours absent") % {"n": format(line.absent_hours.normalize(), "f")}
        return text
    if line.hours is not None:
        return _("%(n)s hours") % {"n": format(line.hours.normalize(), "f")}
    if line.minutes is not None:
        return _("%(n)s minutes") % {"n": format(line.minutes.normalize(), "f")}
    if line.characters is not None:
        return _("%(n)s characters") % {"n": format(line.characters, "f")}
    return ""


def _sheet(workbook, profile, year):
    from openpyxl.styles import Alignment, Font

    lines = form_lines(profile.user, year)
    counted = counted_hours(lines)
    sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\']", "", profile.real_name)[:24] + f"-{profile.user_id}")
    bold = Font(bold=True)
    sheet.append([_("Cadre education and training hours registration form, %(year)s") % {"year": year}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Name"), _safe(profile.real_name), _("ID number (masked)"), profile.masked_id_number])
    sheet.append([_("Unit"), _safe(profile.unit.name), _("Rank"), _label(Rank, profile.rank)])
    sheet.append([])
    headers = [_("Date"), _("Kind"), _("Training, study or lecture"), _("Organiser"), _("Amount declared"),
               _("Evidence"), _("Review"), _("Review note"), _("Reviewed by"), _("Hours counted")]
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    total = ZERO
    for line in lines:
        hours = counted.get(line.entry_uuid) if line.status == DeclarationStatus.APPROVED else None
        if hours is not None:
            total += hours
        sheet.append([line.earned_on.isoformat(), _label(DeclarationKind, line.kind), _safe(line.title),
                      _safe(line.organiser), _quantity(line),
                      (_("Document %(ref)s") % {"ref": line.document.sha256[:12]}) if line.document_id else "",
                      _label(DeclarationStatus, line.status), _safe(line.review_reason),
                      _safe(line.reviewed_by.get_username()) if line.reviewed_by_id else "", hours])
    if not lines:
        sheet.append([_("No lines declared for this year.")])
    sheet.append([])
    sheet.append([_("Total hours approved and credited"), None, None, None, None, None, None, None, None, total])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])
    sheet.append([_("Unit review opinion:"), None, None, None, _("Reviewer signature and date:")])
    sheet.append([_("Filed with the organisation (personnel) department (Art. 13).")])
    for column, width in zip("ABCDEFGHIJ", (12, 16, 32, 24, 20, 18, 12, 28, 14, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet["A1"].alignment = Alignment(wrap_text=False)
    return sheet


def form_xlsx(profiles, year, *, language=None):
    """XLSX bytes: one sheet (one form) per profile, in the given order."""
    from openpyxl import Workbook

    with translation.override(pick_language(language)):
        workbook = Workbook()
        workbook.remove(workbook.active)
        for profile in profiles:
            _sheet(workbook, profile, year)
        if not workbook.worksheets:
            workbook.create_sheet(_("Forms")).append([_("No lines declared for this year.")])
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()
