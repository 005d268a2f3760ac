"""
A circular (``services.circulars.Circular``) as CSV, XLSX or readable text.

Headers and words are translated (zh-Hans by default, English on request) by running
each renderer under ``translation.override``.  CSV is UTF-8 *with* a byte-order mark:
without it Excel on Windows reads the file as the local ANSI code page and every
Chinese name turns into mojibake.  The XLSX has exactly two sheets, 单位汇总 (Units,
with the node's total last) and 学员明细 (Learner details; those who left follow the active
ones and are marked as not counted).  Text cells that a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@``) are prefixed with an apostrophe.  No cell holds a
whole ID number: the lines carry the masked one only.
"""
import csv
import io
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadre_policy_plugin.models import LearnerStatus, OrgNode, Rank, ReviewKind

DEFAULT_LANGUAGE = "zh-hans"
LANGUAGES = ("zh-hans", "en")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

LEARNER_COLUMNS = (
    ("unit_code", gettext_lazy("Unit code")),
    ("unit_name", gettext_lazy("Unit")),
    ("real_name", gettext_lazy("Name")),
    ("id_number", gettext_lazy("ID number (masked)")),
    ("rank", gettext_lazy("Rank")),
    ("policy_key", gettext_lazy("Policy")),
    ("unit_of_measure", gettext_lazy("Measured in")),
    ("total_needed", gettext_lazy("Total needed")),
    ("total_earned", gettext_lazy("Total earned")),
    ("required_needed", gettext_lazy("Required needed")),
    ("required_earned", gettext_lazy("Required earned")),
    ("met", gettext_lazy("Met")),
    ("shortfall", gettext_lazy("Shortfall")),
    ("required_shortfall", gettext_lazy("Required shortfall")),
    ("certificate_serial", gettext_lazy("Certificate serial")),
    ("status", gettext_lazy("Learner status")),
    ("counted", gettext_lazy("Counted in rates")),
    ("note", gettext_lazy("Note")),
)

UNIT_COLUMNS = (
    ("code", gettext_lazy("Unit code")),
    ("name", gettext_lazy("Unit")),
    ("learners", gettext_lazy("Active learners")),
    ("met", gettext_lazy("Learners met")),
    ("completion_rate", gettext_lazy("Completion rate (%)")),
    ("shortfall", gettext_lazy("Total shortfall")),
    ("inactive", gettext_lazy("Left (not counted)")),
    ("below_threshold", gettext_lazy("Below target")),
)

REVOKED_COLUMNS = (
    ("unit_code", gettext_lazy("Unit code")),
    ("unit_name", gettext_lazy("Unit")),
    ("real_name", gettext_lazy("Name")),
    ("id_number", gettext_lazy("ID number (masked)")),
    ("kind", gettext_lazy("What was found")),
    ("course_key", gettext_lazy("Course")),
    ("amount", gettext_lazy("Revoked")),
    ("reason", gettext_lazy("Reason")),
    ("resolved_on", gettext_lazy("Decided on")),
)

UNITS_SHEET = gettext_lazy("Units")
LEARNERS_SHEET = gettext_lazy("Learner details")
REVOKED_SHEET = gettext_lazy("Hours revoked")


def pick_language(language):
    """``en``/``en-us`` → ``en``; anything else (or nothing) → zh-Hans, the default of a circular."""
    language = (language or DEFAULT_LANGUAGE).lower().replace("_", "-")
    return "en" if language.startswith("en") else DEFAULT_LANGUAGE


def _amount(value):
    return None if value is None else format(value, "f")


def _yes_no(value):
    return _("Yes") if value else _("No")


def _measure(unit_of_measure):
    if unit_of_measure == "credits":
        return _("credits")
    if unit_of_measure == "hours":
        return _("study hours")
    return ""


def _safe(text):
    """A text cell a spreadsheet will show, not execute."""
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def _note(line):
    if not line.has_status:
        return _("No status computed yet")
    if line.stale:
        return _("Status out of date; recompute")
    return ""


def learner_values(line, *, counted):
    """One learner row (display values, numbers as Decimals) in ``LEARNER_COLUMNS`` order."""
    values = {
        "unit_code": _safe(line.unit_code), "unit_name": _safe(line.unit_name), "real_name": _safe(line.real_name),
        "id_number": line.id_number, "rank": _label(Rank, line.rank), "policy_key": line.policy_key or "",
        "unit_of_measure": _measure(line.unit_of_measure), "total_needed": line.total_needed,
        "total_earned": line.total_earned, "required_needed": line.required_needed,
        "required_earned": line.required_earned, "met": _yes_no(line.met), "shortfall": line.shortfall,
        "required_shortfall": line.required_shortfall, "certificate_serial": line.certificate_serial or "",
        "status": _label(LearnerStatus, line.status), "counted": _yes_no(counted), "note": _note(line),
    }
    return [values[key] for key, _label_ in LEARNER_COLUMNS]


def unit_values(unit, *, total=False):
    values = {
        "code": _safe(unit.code), "name": _safe(_("Total: %(name)s") % {"name": unit.name} if total else unit.name),
        "learners": unit.learners, "met": unit.met, "completion_rate": unit.completion_rate,
        "shortfall": unit.shortfall, "inactive": unit.inactive, "below_threshold": _yes_no(unit.below_threshold),
    }
    return [values[key] for key, _label_ in UNIT_COLUMNS]


def _revoked_amount(line):
    parts = []
    if line.hours is not None:
        parts.append(_("%(amount)s study hours") % {"amount": _amount(line.hours)})
    if line.credits is not None:
        parts.append(_("%(amount)s credits") % {"amount": _amount(line.credits)})
    return ", ".join(parts)


def revoked_values(line):
    values = {
        "unit_code": _safe(line.unit_code), "unit_name": _safe(line.unit_name), "real_name": _safe(line.real_name),
        "id_number": line.id_number, "kind": _label(ReviewKind, line.kind), "course_key": _safe(line.course_key),
        "amount": _revoked_amount(line), "reason": _safe(line.reason), "resolved_on": line.resolved_on.isoformat(),
    }
    return [values[key] for key, _label_ in REVOKED_COLUMNS]


def _learner_rows(circular):
    """Streamed: the lines are read batch by batch (services.circulars), never all at once."""
    for line in circular.iter_learners():
        yield learner_values(line, counted=True)
    for line in circular.iter_inactive():
        yield learner_values(line, counted=False)


def _unit_rows(circular):
    for unit in circular.units:
        yield unit_values(unit)
    yield unit_values(circular.totals, total=True)


def _headers(columns):
    return [str(label) for _key, label in columns]


def _csv_cell(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    return "" if value is None else value


class _Echo:
    """A file-like ``write`` that hands the text back (csv.writer into a generator)."""

    def write(self, value):
        return value


CSV_FLUSH_ROWS = 500


def iter_csv(circular, *, language=DEFAULT_LANGUAGE, part="learners"):
    """
    The CSV as a stream of byte chunks (UTF-8 with BOM, CRLF) of the learners (default)
    or of the units: memory stays one chunk of rows, whatever the number of learners
    (for ``StreamingHttpResponse`` and the command's ``--output``).
    """
    with translation.override(pick_language(language)):
        writer = csv.writer(_Echo())
        if part == "units":
            header, rows = _headers(UNIT_COLUMNS), _unit_rows(circular)
        else:
            header, rows = _headers(LEARNER_COLUMNS), _learner_rows(circular)
        pending = ["\ufeff", writer.writerow(header)]
        for row in rows:
            pending.append(writer.writerow([_csv_cell(value) for value in row]))
            if len(pending) >= CSV_FLUSH_ROWS:
                yield "".join(pending).encode("utf-8")
                pending = []
        if pending:
            yield "".join(pending).encode("utf-8")


def to_csv(circular, *, language=DEFAULT_LANGUAGE, part="learners"):
    """
    CSV bytes (UTF-8 with BOM, CRLF) of the learners (default) or of the units.

    A CSV is one table, so the two parts are two files; the XLSX holds both.
    """
    return b"".join(iter_csv(circular, language=language, part=part))


def to_xlsx(circular, *, language=DEFAULT_LANGUAGE):
    """XLSX bytes: sheet 单位汇总/Units then 学员明细/Learners (see ``write_xlsx``)."""
    buffer = io.BytesIO()
    write_xlsx(circular, buffer, language=language)
    return buffer.getvalue()


def write_xlsx(circular, target, *, language=DEFAULT_LANGUAGE):
    """
    Write the XLSX to ``target`` (a path or a binary file): openpyxl's write-only mode,
    rows streamed from the circular's batches, so memory does not grow with the learners;
    a third sheet 撤销学时/Hours revoked when the year has hours revoked after review.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    with translation.override(pick_language(language)):
        workbook = Workbook(write_only=True)
        for title, columns, rows, widths in (
            (str(UNITS_SHEET), UNIT_COLUMNS, _unit_rows(circular), (16, 28, 10, 10, 14, 14, 14, 12)),
            (str(LEARNERS_SHEET), LEARNER_COLUMNS, _learner_rows(circular),
             (16, 24, 12, 22, 14, 16, 10, 12, 12, 12, 12, 8, 12, 12, 18, 10, 10, 24)),
        ) + (((str(REVOKED_SHEET), REVOKED_COLUMNS, (revoked_values(line) for line in circular.revoked),
               (16, 24, 12, 22, 28, 36, 16, 40, 12)),) if circular.revoked else ()):
            sheet = workbook.create_sheet(title)
            for index, width in enumerate(widths, start=1):
                sheet.column_dimensions[_column_letter(index)].width = width
            header = []
            for text in _headers(columns):
                cell = WriteOnlyCell(sheet, value=text)
                cell.font = Font(bold=True)
                header.append(cell)
            sheet.append(header)
            rate_index = [key for key, _label_ in columns].index("completion_rate") if columns is UNIT_COLUMNS else None
            for row in rows:
                cells = []
                for index, value in enumerate(row):
                    cell = WriteOnlyCell(sheet, value=value)
                    if isinstance(value, Decimal):
                        cell.number_format = "0.0" if index == rate_index else "0.00"
                    cells.append(cell)
                sheet.append(cells)
        workbook.save(target)


def _column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _list(names):
    separator = ", " if translation.get_language() == "en" else "、"
    return separator.join(names)


def _rate(rate):
    return "—" if rate is None else f"{rate}%"


def to_text(circular, *, language=DEFAULT_LANGUAGE):
    """The circular (通报) as a readable text for printing or pasting into a notice."""
    with translation.override(pick_language(language)):
        measure = _measure(circular.unit_of_measure) or _("study hours")
        totals = circular.totals
        kind = _label(OrgNode.Kind, circular.node_kind)
        lines = [
            _("Circular on the cadre online training of academic year %(year)s") % {"year": circular.year},
            _("Scope: %(name)s (%(code)s, %(kind)s); compiled %(when)s") % {
                "name": circular.node_name, "code": circular.node_code, "kind": kind,
                "when": date_format(localtime(circular.generated_at), "Y-m-d H:i")},
            "",
            _("1. Overall"),
            _("%(learners)s learners in training, %(met)s met the annual requirement, completion rate %(rate)s; "
              "%(shortfall)s %(measure)s still missing in total.") % {
                "learners": totals.learners, "met": totals.met, "rate": _rate(totals.completion_rate),
                "shortfall": _amount(totals.shortfall), "measure": measure},
            "",
            _("2. Units (target: %(threshold)s%% completion; units below it are marked and lose points)") % {
                "threshold": _amount(circular.threshold)},
        ]
        for unit in circular.units:
            if not unit.learners:
                lines.append("  " + _("%(name)s (%(code)s): no learners in training") % {
                    "name": unit.name, "code": unit.code})
                continue
            mark = _("BELOW TARGET") if unit.below_threshold else ""
            lines.append("  " + _("%(name)s (%(code)s): %(met)s of %(learners)s met, %(rate)s, shortfall %(shortfall)s")
                         % {"name": unit.name, "code": unit.code, "met": unit.met, "learners": unit.learners,
                            "rate": _rate(unit.completion_rate), "shortfall": _amount(unit.shortfall)}
                         + (f"  [{mark}]" if mark else ""))
        flagged = circular.flagged_units
        if flagged:
            lines.append(_("Units below target: %(units)s") % {"units": _list(unit.name for unit in flagged)})
        lines += ["", _("3. Learners who have not met the requirement")]
        open_lines = (line for line in circular.iter_learners() if not line.met)
        listed = False
        for line in open_lines:
            listed = True
            lines.append("  " + _("%(unit)s %(name)s (%(id)s): %(earned)s of %(needed)s, %(shortfall)s short") % {
                "unit": line.unit_name, "name": line.real_name, "id": line.id_number,
                "earned": _amount(line.total_earned), "needed": _amount(line.total_needed) or "—",
                "shortfall": _amount(line.shortfall)})
        if not listed:
            lines.append("  " + _("None."))
        if circular.totals.inactive:
            lines += ["", _("4. Not counted (left the post)")]
            for line in circular.iter_inactive():
                lines.append("  " + _("%(unit)s %(name)s (%(id)s): %(status)s") % {
                    "unit": line.unit_name, "name": line.real_name, "id": line.id_number,
                    "status": _label(LearnerStatus, line.status)})
        if circular.revoked:
            lines += ["", _("5. Hours revoked for study not done by the learner (Anhui Art. 13)")]
            for line in circular.revoked:
                lines.append("  " + _("%(unit)s %(name)s (%(id)s): %(amount)s of course %(course)s revoked on "
                                      "%(date)s (%(kind)s). Reason: %(reason)s") % {
                    "unit": line.unit_name, "name": line.real_name, "id": line.id_number,
                    "amount": _revoked_amount(line), "course": line.course_key, "date": line.resolved_on.isoformat(),
                    "kind": _label(ReviewKind, line.kind), "reason": line.reason})
        if circular.stale_count:
            lines += ["", _("Note: the status of %(count)s learner(s) is missing or out of date; run again with "
                            "--recompute for exact figures.") % {"count": circular.stale_count}]
    return "\n".join(lines) + "\n"
