"""
Reading the spreadsheets administrators upload: CSV (UTF-8 with or without a BOM, or
GBK/GB 18030 as Chinese Excel saves it) and XLSX (the first sheet), with Chinese or
English headers mapped to canonical column keys.

Why one reader for both imports: the roster and the entry back-fill share the same
problems (encodings, Excel's numeric cells, header aliases, row numbers the
administrator can find again in the file), and each row error must name the row as
the spreadsheet shows it (the header is row 1) and the column as the header says.
"""
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cadre_policy_plugin.conf import cadre_setting

XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class RowError:
    """One problem, as the administrator finds it in the file (row 1 is the header)."""

    row: int
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass
class Table:
    """The rows of a file keyed by canonical column, plus what the header told us."""

    columns: dict  # canonical key -> header text as written in the file
    rows: list  # (row number, {canonical key: raw cell value})
    ignored_columns: list = field(default_factory=list)
    encoding: str = ""


def normalise_header(text):
    return str(text or "").strip().replace("\ufeff", "").replace(" ", "").replace("_", "").lower()


def header_map(aliases):
    """``{canonical: (alias, ...)}`` as a lookup from normalised header text."""
    lookup = {}
    for key, names in aliases.items():
        for name in (key, *names):
            lookup[normalise_header(name)] = key
    return lookup


def _decode_csv(data):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else "gbk"
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The CSV file is neither UTF-8 nor GBK text."), code="encoding")


def _csv_rows(data):
    text, encoding = _decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text, newline=""), dialect)), encoding


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationError(_("The file is not a readable XLSX workbook."), code="xlsx") from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)], "xlsx"
    finally:
        workbook.close()


def read_table(data, filename, aliases, *, required):
    """
    Parse ``data`` into a :class:`Table`; ``ValidationError`` for a file that cannot be
    read at all (size, format, encoding, missing required columns, too many rows).
    """
    limit = cadre_setting("IMPORT_MAX_BYTES")
    if len(data) > limit:
        raise ValidationError(_("The file is larger than %(limit)s bytes."), params={"limit": limit}, code="size")
    is_xlsx = data.startswith(XLSX_MAGIC) or (filename or "").lower().endswith(".xlsx")
    raw_rows, encoding = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    # Skip leading blank lines (a title row above the header is not supported: say so below).
    while raw_rows and not any(_present(cell) for cell in raw_rows[0]):
        raw_rows.pop(0)
    if not raw_rows:
        raise ValidationError(_("The file has no header row."), code="empty")
    lookup = header_map(aliases)
    columns, positions, ignored = {}, {}, []
    for index, header in enumerate(raw_rows[0]):
        key = lookup.get(normalise_header(header))
        if key is None:
            if _present(header):
                ignored.append(str(header).strip())
            continue
        if key in columns:
            raise ValidationError(_("Column %(column)s appears twice."), params={"column": str(header).strip()},
                                  code="duplicate_column")
        columns[key] = str(header).strip()
        positions[key] = index
    missing = [key for key in required if key not in columns]
    if missing:
        names = ", ".join(f"{aliases[key][0]}/{key}" for key in missing)
        raise ValidationError(_("Required column(s) missing from the header row: %(columns)s."),
                              params={"columns": names}, code="missing_columns")
    rows = []
    for number, raw in enumerate(raw_rows[1:], start=2):
        if not any(_present(cell) for cell in raw):
            continue
        rows.append((number, {key: raw[index] if index < len(raw) else None for key, index in positions.items()}))
    max_rows = cadre_setting("IMPORT_MAX_ROWS")
    if len(rows) > max_rows:
        raise ValidationError(_("The file has %(count)s rows; at most %(limit)s are imported at once."),
                              params={"count": len(rows), "limit": max_rows}, code="rows")
    return Table(columns=columns, rows=rows, ignored_columns=ignored, encoding=encoding)


def _present(cell):
    return cell is not None and str(cell).strip() != ""


def text(cell):
    """A cell as stripped text ('' when empty); whole numbers from Excel lose their '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def parse_date(cell):
    """A date from an Excel date cell or text in a usual Chinese or ISO form; ``ValueError`` otherwise."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    value = text(cell)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)
