"""
The annual completion certificate (网络培训结业证书) as a PDF.

The CJK font is a TrueType font embedded in the file (a subset per page, by reportlab),
so the certificate looks the same in every viewer and printer; CID fonts such as
STSong-Light would not be embedded (see cadre_policy_plugin/fonts/FONTLOG.txt).  The
text is rendered in the certificate language (zh-Hans by default) through gettext.
"""
import io
import logging
import os
from decimal import Decimal
from xml.sax.saxutils import escape

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
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


def verify_url(cert):
    base = cadre_setting("CERTIFICATE_VERIFY_URL") or reverse("cadre_policy:verify-certificate")
    return f"{base}?code={cert.verification_code}"


def certificate_texts(cert):
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
            "verify": _("Verify at %(url)s") % {"url": escape(verify_url(cert))},
        }


def render_certificate(cert):
    """The certificate as PDF bytes (one A4 landscape page)."""
    from reportlab.pdfgen import canvas

    font = register_font()
    texts = certificate_texts(cert)
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
    small = ParagraphStyle("small", fontName=font, fontSize=10, leading=14, alignment=TA_CENTER, wordWrap="CJK")
    footer = Paragraph("　".join((texts["serial"], texts["code"])) + "<br/>" + texts["verify"], small)
    footer.wrap(width - 60 * mm, 30 * mm)
    footer.drawOn(pdf, 30 * mm, 22 * mm)
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
