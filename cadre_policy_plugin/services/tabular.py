"""
Reading the spreadsheets administrators upload: CSV (UTF-8 with or without a BOM, or
GBK/GB 18030 as Chinese Excel saves it) and XLSX (the first sheet), with Chinese or
English headers mapped to canonical column keys.

Why one reader for both imports: the roster and the entry back-fill share the same
problems (encodings, Excel's numeric cells, header aliases, row numbers the
administrator can find again in the file), and each row error must name the row as
the spreadsheet shows it (the header is row 1) and the column as the header says.

Bounded cost (issue 13): a 194 KB XLSX holding 3 million rows cost 86 s and 570 MB
when rows were materialised before the row limit was checked.  Now the archive's
declared uncompressed sizes and compression ratios are checked before anything is
decompressed (``zipfile`` never inflates a member past its declared size), the sheet
is streamed (openpyxl read-only) and reading stops at the first row beyond the limit;
a CSV stops the same way, and a field the csv module refuses (over 131,072
characters, an unclosed quote) is an error naming its row.  A broken workbook
(truncated XML, entity expansion refused by the XML parser) is "not a readable XLSX
workbook", never a 500.  A cell longer than ``MAX_CELL_CHARS`` or holding NUL or
another control character is a row error and the row goes no further (PostgreSQL
refuses NUL in text).
"""
import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree.ElementTree import ParseError

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cadre_policy_plugin.conf import cadre_setting
from cadre_policy_plugin.services import plausible

XLSX_MAGIC = b"PK\x03\x04"
#: Longest cell read (a name, a post, an evidence number are far shorter).
MAX_CELL_CHARS = 1000
#: Most columns read from a row (the imports know about ten).
MAX_COLUMNS = 64
#: A member this large and this much smaller compressed is a zip bomb, not a roster.
RATIO_CHECK_FROM_BYTES = 1024 * 1024
#: What a broken workbook raises while it is read (lxml's errors are SyntaxError subclasses).
BROKEN_XLSX = (zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, OSError, EOFError, IndexError,
               AttributeError, SyntaxError, ParseError)


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
    errors: list = field(default_factory=list)  # RowError for cells refused while reading (their rows dropped)


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


class _TooManyRows(Exception):
    pass


def _limited(rows, max_rows):
    """The raw rows, stopping with ``_TooManyRows`` at the first non-empty data row beyond ``max_rows``."""
    kept, data_rows = [], -1  # the first non-empty row is the header
    for raw in rows:
        raw = list(raw[:MAX_COLUMNS])
        if any(_present(cell) for cell in raw):
            data_rows += 1
            if data_rows > max_rows:
                raise _TooManyRows()
        kept.append(raw)
    return kept


def _rows_error(max_rows):
    return ValidationError(_("The file has more than %(limit)s rows; at most %(limit)s are imported at once."),
                           params={"limit": max_rows}, code="rows")


def _csv_rows(data, max_rows):
    text, encoding = _decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return _limited(reader, max_rows), encoding
    except _TooManyRows:
        raise _rows_error(max_rows) from None
    except csv.Error:
        # The csv module's own limit (131,072 characters a field) or a broken quote.
        raise ValidationError(_("Row %(row)s cannot be read: a cell is longer than %(limit)s characters or a "
                                "quote is not closed."), params={"row": reader.line_num, "limit": MAX_CELL_CHARS},
                              code="csv_row") from None


def check_archive(data):
    """
    Refuse a zip bomb before anything is decompressed: the members' declared sizes add
    up to at most ``IMPORT_MAX_UNCOMPRESSED_BYTES`` and no large member is compressed
    more than ``IMPORT_MAX_COMPRESSION_RATIO`` times.  ``zipfile`` stops inflating a
    member at its declared size, so a member that lies about it gains nothing.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError):
        raise ValidationError(_("The file is not a readable XLSX workbook."), code="xlsx") from None
    limit = cadre_setting("IMPORT_MAX_UNCOMPRESSED_BYTES")
    ratio = cadre_setting("IMPORT_MAX_COMPRESSION_RATIO")
    total = sum(member.file_size for member in members)
    if total > limit:
        raise ValidationError(_("The workbook unpacks to %(size)s bytes; at most %(limit)s are read."),
                              params={"size": total, "limit": limit}, code="xlsx_size")
    for member in members:
        if member.file_size >= RATIO_CHECK_FROM_BYTES and member.file_size > ratio * max(member.compress_size, 1):
            raise ValidationError(_("The workbook is compressed %(ratio)s times, more than a spreadsheet can be "
                                    "(at most %(limit)s): it is refused unread."),
                                  params={"ratio": member.file_size // max(member.compress_size, 1), "limit": ratio},
                                  code="xlsx_ratio")
    _check_prologs(data, members)


#: The start of an XML document's root element (after the declaration, comments, a DOCTYPE).
_ROOT_START = re.compile(rb"<[A-Za-z_]")
PROLOG_BYTES = 64 * 1024


def _check_prologs(data, members):
    """
    Refuse XML parts with a document type declaration before any XML parser sees them.

    SpreadsheetML parts never declare a DTD; one that does is there for its entities
    (a "billion laughs" expansion costs the parser seconds before it gives up).  Only
    the prolog is read: the root element starts within its first 64 KiB, in UTF-8.
    """
    unreadable = ValidationError(_("The file is not a readable XLSX workbook."), code="xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            try:
                with archive.open(member) as handle:
                    head = handle.read(PROLOG_BYTES)
            except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError):
                raise unreadable from None
            root = _ROOT_START.search(head)
            prolog = head[:root.start()] if root else head
            if (root is None and len(head) == PROLOG_BYTES) or b"<!DOCTYPE" in prolog.upper() or b"\x00" in prolog:
                raise ValidationError(_("The workbook holds XML with a document type declaration or in an "
                                        "unexpected encoding; save it again from a spreadsheet program."),
                                      code="xlsx_dtd")


def _xlsx_rows(data, max_rows):
    from openpyxl import load_workbook

    check_archive(data)
    unreadable = ValidationError(_("The file is not a readable XLSX workbook."), code="xlsx")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except BROKEN_XLSX:
        raise unreadable from None
    try:
        if not workbook.worksheets:
            raise unreadable
        sheet = workbook.worksheets[0]
        return _limited(sheet.iter_rows(values_only=True), max_rows), "xlsx"
    except _TooManyRows:
        raise _rows_error(max_rows) from None
    except BROKEN_XLSX:
        raise unreadable from None
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
    max_rows = cadre_setting("IMPORT_MAX_ROWS")
    raw_rows, encoding = _xlsx_rows(data, max_rows) if is_xlsx else _csv_rows(data, max_rows)
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
    rows, errors = [], []
    for number, raw in enumerate(raw_rows[1:], start=2):
        if not any(_present(cell) for cell in raw):
            continue
        cells = {key: raw[index] if index < len(raw) else None for key, index in positions.items()}
        problems = [(key, _cell_problem(cell)) for key, cell in cells.items()]
        problems = [(key, problem) for key, problem in problems if problem]
        if problems:
            errors.extend(RowError(number, columns[key], problem) for key, problem in problems)
            continue
        rows.append((number, cells))
    return Table(columns=columns, rows=rows, ignored_columns=ignored, encoding=encoding, errors=errors)


def _cell_problem(cell):
    """Why a cell cannot be used at all (too long, control characters), or ``None``."""
    if isinstance(cell, str):
        if len(cell) > MAX_CELL_CHARS:
            return _("The cell is longer than %(limit)s characters.") % {"limit": MAX_CELL_CHARS}
        return plausible.text_problem(cell)
    return None


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


class ImplausibleDate(ValueError):
    """A real date outside the plausible range; its message says the range."""


def parse_date(cell):
    """
    A date from an Excel date cell or text in a usual Chinese or ISO form, inside the
    plausible range (``services.plausible``); ``ValueError`` otherwise
    (:class:`ImplausibleDate` with a message for a real date out of range).
    """
    if isinstance(cell, datetime):
        value = cell.date()
    elif isinstance(cell, date):
        value = cell
    else:
        value = None
        raw = text(cell)
        for fmt in DATE_FORMATS:
            try:
                value = datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
        if value is None:
            raise ValueError(raw)
    problem = plausible.date_problem(value)
    if problem:
        raise ImplausibleDate(problem)
    return value


def date_error_message(exc):
    """The row error for a ``parse_date`` failure."""
    return str(exc) if isinstance(exc, ImplausibleDate) else _("Not a date: write it as 2026-03-01.")
