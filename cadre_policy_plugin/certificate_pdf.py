"""
The annual completion certificate (网络培训结业证书) and the statement of a year's hours
(学时证明) as PDFs.

The CJK font is a TrueType font embedded in the file (a subset per page, by reportlab),
so the certificate looks the same in every viewer and printer; CID fonts such as
STSong-Light would not be embedded (see cadre_policy_plugin/fonts/FONTLOG.txt).  The
text is rendered in the certificate language (zh-Hans by default) through gettext.

A certificate is checked by people holding paper, so it prints the verification page's
absolute URL and a QR code of it (reportlab's own QR widget), the issue date in the
deployment's time zone (``TIME_ZONE``: a certificate issued at 07:00 on 1 January in
Shanghai is dated 1 January, not 31 December UTC), the issuing academy, and the
academy's seal when ``CERTIFICATE_SEAL_IMAGE`` names one (none by default: the plugin
never ships or draws any organisation's seal).
"""
import io
import logging
import os
from decimal import Decimal
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from cadre_policy_plugin.conf import cadre_setting

log = logging.getLogger(__name__)

FONT_NAME = "CadreCertKai"
SHIPPED_FONT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fonts", "CadreCertKai-Regular.ttf")
CERTIFICATE_LANGUAGE = "zh-hans"
RED = colors.HexColor("#B22222")
GOLD = colors.HexColor("#B8860B")


def font_path():
    return cadre_setting("CERTIFICATE_FONT_PATH") or SHIPPED_FONT


def register_font():
    """Register the TrueType font once per path (reportlab keeps a global registry)."""
    path = font_path()
    name = FONT_NAME if path == SHIPPED_FONT else f"{FONT_NAME}-{abs(hash(path)) % 10**8}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    return name


def missing_characters(font_name, text):
    """Characters of ``text`` the font has no glyph for (they would print as boxes)."""
    font = pdfmetrics.getFont(font_name)
    cmap = font.face.charToGlyph
    return {ch for ch in text if not ch.isspace() and ord(ch) not in cmap}


def _amount(value):
    """``52.50`` → ``52.5``, ``35.00`` → ``35``: as a person writes hours."""
    return f"{Decimal(str(value)).normalize():f}"


def verify_base_url(request=None):
    """
    The verification page's absolute URL: ``CERTIFICATE_VERIFY_URL`` when set, else this
    plugin's page on the host that serves the download (``request``), else on the LMS's
    ``LMS_ROOT_URL``; a relative path only when none of these is known (a certificate
    rendered outside a request on a host without ``LMS_ROOT_URL``).
    """
    configured = cadre_setting("CERTIFICATE_VERIFY_URL")
    if configured:
        return configured
    path = reverse("cadre_policy:verify-certificate")
    if request is not None:
        return request.build_absolute_uri(path)
    root = getattr(settings, "LMS_ROOT_URL", "")  # edx-platform's own setting, absent elsewhere
    return f"{root.rstrip('/')}{path}" if root else path


def verify_url(cert, request=None):
    return f"{verify_base_url(request)}?code={cert.verification_code}"


def certificate_texts(cert, request=None):
    """Every line printed on the certificate, in the certificate language."""
    totals = cert.totals or {}
    with translation.override(CERTIFICATE_LANGUAGE):
        unit_word = _("credits") if cert.unit_of_measure == "credits" else _("study hours")
        return {
            "title": _("Online Training Completion Certificate"),
            "body": _("%(name)s (%(unit)s) completed the cadre online training requirement of academic year "
                      "%(year)s, earning %(total)s %(unit_word)s in total: %(required)s required and "
                      "%(elective)s elective. This certificate is awarded in recognition.") % {
                "name": escape(cert.real_name), "unit": escape(cert.unit_name), "year": cert.year,
                "total": _amount(totals.get("total", 0)), "required": _amount(totals.get("required", 0)),
                "elective": _amount(totals.get("elective", 0)), "unit_word": unit_word},
            "issuer": cadre_setting("CERTIFICATE_ISSUER"),
            "date": _("Issued on %(date)s") % {"date": timezone.localdate(cert.issued_at).isoformat()},
            "serial": _("Serial number: %(serial)s") % {"serial": cert.serial},
            "code": _("Verification code: %(code)s") % {"code": cert.verification_code},
            "verify": _("Verify at %(url)s") % {"url": escape(verify_url(cert, request))},
            "scan": _("Scan to verify"),
        }


def render_certificate(cert, request=None):
    """The certificate as PDF bytes (one A4 landscape page)."""
    from reportlab.pdfgen import canvas

    font = register_font()
    texts = certificate_texts(cert, request)
    missing = missing_characters(font, "".join(texts.values()))
    if missing:
        log.warning("certificate %s: %s character(s) missing from the font; set CERTIFICATE_FONT_PATH",
                    cert.serial, len(missing))
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(texts["title"])
    pdf.setAuthor(texts["issuer"])
    pdf.setSubject(cert.serial)
    _frame(pdf, width, height)
    pdf.setFillColor(RED)
    pdf.setFont(font, 40)
    pdf.drawCentredString(width / 2, height - 62 * mm, texts["title"])
    body = Paragraph(texts["body"], ParagraphStyle("body", fontName=font, fontSize=20, leading=34,
                                                   alignment=TA_LEFT, firstLineIndent=40, wordWrap="CJK"))
    _w, body_height = body.wrap(width - 70 * mm, height)
    body.drawOn(pdf, 35 * mm, height - 80 * mm - body_height)
    pdf.setFillColor(colors.black)
    pdf.setFont(font, 18)
    pdf.drawRightString(width - 40 * mm, 62 * mm, texts["issuer"])
    pdf.drawRightString(width - 40 * mm, 52 * mm, texts["date"])
    _seal(pdf, center_x=width - 40 * mm - 0.5 * pdf.stringWidth(texts["issuer"], font, 18), center_y=60 * mm)
    _qr(pdf, verify_url(cert, request), x=32 * mm, y=34 * mm, size=QR_SIZE)
    pdf.setFont(font, 9)
    pdf.drawCentredString(32 * mm + QR_SIZE / 2, 30 * mm, texts["scan"])
    small = ParagraphStyle("small", fontName=font, fontSize=10, leading=14, alignment=TA_CENTER, wordWrap="CJK")
    footer = Paragraph("　".join((texts["serial"], texts["code"])) + "<br/>" + texts["verify"], small)
    footer.wrap(width - 120 * mm, 30 * mm)
    footer.drawOn(pdf, 70 * mm, 22 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


QR_SIZE = 34 * mm
SEAL_SIZE = 42 * mm


def _qr(pdf, value, *, x, y, size):
    """A QR code of ``value`` (error correction M, a quiet zone of four modules) at x, y."""
    widget = QrCodeWidget(value, barLevel="M", barBorder=4)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y)


def seal_path():
    """The academy's seal image (``CERTIFICATE_SEAL_IMAGE``), or ``None`` (the default)."""
    path = cadre_setting("CERTIFICATE_SEAL_IMAGE")
    if not path:
        return None
    if not os.path.isfile(path):
        log.warning("CERTIFICATE_SEAL_IMAGE %s is not a file; the certificate is printed without a seal", path)
        return None
    return path


def _seal(pdf, *, center_x, center_y):
    """The configured seal over the issuer's name (transparent PNG areas stay transparent)."""
    path = seal_path()
    if path is None:
        return
    pdf.drawImage(path, center_x - SEAL_SIZE / 2, center_y - SEAL_SIZE / 2, width=SEAL_SIZE, height=SEAL_SIZE,
                  mask="auto", preserveAspectRatio=True, anchor="c")


def statement_texts(statement):
    """Every line of the 学时证明 (statement of a year's hours), in the certificate language."""
    with translation.override(CERTIFICATE_LANGUAGE):
        unit_word = _("credits") if statement["unit"] == "credits" else _("study hours")
        labels = {"total": _("Total"), "required": _("Required"), "elective": _("Elective"), "online": _("Online")}
        rows = [(labels.get(r["key"], r["key"]), _amount(r["needed"]), _amount(r["earned"]), _amount(r["shortfall"]))
                for r in statement["requirements"]]
        return {
            "title": _("Statement of Study Hours"),
            "body": _("%(name)s (%(unit)s) has earned the following %(unit_word)s in academic year %(year)s, "
                      "as recorded in the electronic training file on %(date)s.") % {
                "name": escape(statement["real_name"]), "unit": escape(statement["unit_name"]),
                "year": statement["year"], "unit_word": unit_word, "date": f"{statement['as_of']:%Y-%m-%d}"},
            "header": (_("Requirement"), _("Needed"), _("Earned"), _("Shortfall")),
            "rows": rows,
            "split": _("Of what counted: %(required)s required, %(elective)s elective.") % {
                "required": _amount(statement["required_earned"]), "elective": _amount(statement["elective_earned"])},
            "met": _("The year's quota is met.") if statement["met"] else _("The year's quota is not met yet."),
            "note": _("This statement is not a completion certificate; it states the hours recorded so far."),
            "issuer": cadre_setting("CERTIFICATE_ISSUER"),
            "date": _("Printed on %(date)s") % {"date": f"{statement['as_of']:%Y-%m-%d}"},
        }


def render_hours_statement(statement):
    """
    The 学时证明 as PDF bytes (one A4 portrait page): a learner who has not met the year's
    quota (or simply wants a record) prints what the training file holds, by requirement.
    ``statement`` is the dict of ``api.learner_hours_statement``.
    """
    from reportlab.lib.pagesizes import A4 as PORTRAIT
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Table, TableStyle

    font = register_font()
    texts = statement_texts(statement)
    flat = "".join([texts["title"], texts["body"], texts["split"], texts["met"], texts["note"], texts["issuer"],
                    texts["date"],
                    *texts["header"], *(cell for row in texts["rows"] for cell in row)])
    if missing_characters(font, flat):
        log.warning("hours statement: characters missing from the font; set CERTIFICATE_FONT_PATH")
    buffer = io.BytesIO()
    width, height = PORTRAIT
    pdf = canvas.Canvas(buffer, pagesize=PORTRAIT, pageCompression=1)
    pdf.setTitle(texts["title"])
    pdf.setAuthor(texts["issuer"])
    pdf.setFont(font, 26)
    pdf.drawCentredString(width / 2, height - 40 * mm, texts["title"])
    body_style = ParagraphStyle("body", fontName=font, fontSize=13, leading=22, firstLineIndent=26, wordWrap="CJK")
    body = Paragraph(texts["body"], body_style)
    _w, body_height = body.wrap(width - 50 * mm, height)
    top = height - 55 * mm - body_height
    body.drawOn(pdf, 25 * mm, top)
    table = Table([list(texts["header"]), *[list(row) for row in texts["rows"]]],
                  colWidths=[(width - 50 * mm) / 4] * 4)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 12),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    _w, table_height = table.wrap(width - 50 * mm, height)
    top -= 10 * mm + table_height
    table.drawOn(pdf, 25 * mm, top)
    for line in (texts["split"], texts["met"], texts["note"]):
        top -= 12 * mm
        paragraph = Paragraph(escape(line), ParagraphStyle("line", fontName=font, fontSize=12, leading=18,
                                                           wordWrap="CJK"))
        _w, line_height = paragraph.wrap(width - 50 * mm, height)
        paragraph.drawOn(pdf, 25 * mm, top)
    pdf.setFont(font, 14)
    pdf.drawRightString(width - 25 * mm, top - 30 * mm, texts["issuer"])
    pdf.drawRightString(width - 25 * mm, top - 40 * mm, texts["date"])
    _seal(pdf, center_x=width - 25 * mm - 0.5 * pdf.stringWidth(texts["issuer"], font, 14), center_y=top - 32 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _frame(pdf, width, height):
    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(6)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setStrokeColor(RED)
    pdf.setLineWidth(1.5)
    pdf.rect(17 * mm, 17 * mm, width - 34 * mm, height - 34 * mm)
