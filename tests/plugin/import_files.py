"""Real import files built in the tests: CSV in a chosen encoding, and XLSX through openpyxl."""
import io

from openpyxl import Workbook


def csv_bytes(header, rows, encoding="utf-8-sig"):
    """A CSV file as Chinese Excel writes it (CRLF); ``None`` cells are empty."""
    lines = [",".join(header)] + [",".join("" if cell is None else str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(header, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
