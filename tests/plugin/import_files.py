"""Real import files built in the tests: CSV in a chosen encoding, and XLSX through openpyxl."""
import io
import re
import zipfile

from openpyxl import Workbook

#: Every built workbook carries this instant, in its properties and on its zip members.
FIXED_INSTANT = (2026, 1, 5, 8, 30, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def csv_bytes(header, rows, encoding="utf-8-sig"):
    """A CSV file as Chinese Excel writes it (CRLF); ``None`` cells are empty."""
    lines = [",".join(header)] + [",".join("" if cell is None else str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(header, rows):
    """
    The workbook openpyxl writes, made reproducible: the same cells give the same bytes.

    openpyxl stamps the save time into ``docProps/core.xml`` and onto every zip member, so
    the deflated size changed with the clock. A property test that draws byte positions
    from ``len(book)`` then drew differently on replay (hypothesis' FlakyStrategyDefinition).
    """
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return _reproducible(buffer.getvalue())


def _reproducible(xlsx):
    stamp = b"%04d-%02d-%02dT%02d:%02d:%02dZ" % FIXED_INSTANT
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            member = zipfile.ZipInfo(item.filename, date_time=FIXED_INSTANT)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, data)
    return buffer.getvalue()


def zip_bomb_xlsx(rows=3_000_000):
    """
    The XLSX of issue 13: a valid workbook whose one sheet holds ``rows`` identical rows,
    deflated to a couple of hundred kilobytes (3 million rows: ~190 KB).  Written in
    chunks, so building it costs the test little memory.
    """
    template = xlsx_bytes(["姓名"], [["x"]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
                continue
            with target.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                            b"<sheetData>")
                chunk = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 10_000
                for _ in range(rows // 10_000):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def rewrite_member(xlsx, name, transform):
    """A copy of an XLSX with one member's bytes passed through ``transform``."""

    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, transform(data) if item.filename == name else data)
    return buffer.getvalue()


def with_shared_strings(xlsx, shared_strings):
    """A copy of an XLSX with a ``xl/sharedStrings.xml`` part (declared in [Content_Types].xml)."""

    override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    copy = rewrite_member(xlsx, "[Content_Types].xml", lambda data: data.replace(b"</Types>", override))
    buffer = io.BytesIO(copy)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as target:
        target.writestr("xl/sharedStrings.xml", shared_strings)
    return buffer.getvalue()


def billion_laughs(levels=10):
    """A sharedStrings part whose one string expands to 10**levels "lol"s (XML entity expansion)."""
    entities = '<!ENTITY e0 "lol">' + "".join(
        f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, levels + 1))
    return (f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
            f"<si><t>&e{levels};</t></si></sst>").encode()
