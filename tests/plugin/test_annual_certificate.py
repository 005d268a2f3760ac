"""The annual completion certificate: issued when the year is met, a real PDF, verifiable."""
from datetime import date
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from cadre_policy_plugin import api
from cadre_policy_plugin.certificate_pdf import FONT_NAME, missing_characters, register_font, render_certificate
from cadre_policy_plugin.models import AnnualCertificate
from tests.plugin.factories import make_admin, make_profile, make_tree, make_user

pytestmark = pytest.mark.django_db


def meet_year(user, year=2026, prefix="C"):
    for index in range(3):
        key = f"course-v1:AnhuiAcademy+{prefix}{index}+{year}"
        api.set_course_credit_spec(key, category="required" if index else "elective", hours=Decimal("17.5"))
        api.award_course_hours(user, key, evidence_type="certificate", evidence_ref=key, earned_on=date(year, 4, 1))
    return AnnualCertificate.objects.get(user=user, year=year)


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def cert(tree):
    profile = make_profile(tree["a"], real_name="欧阳明华")
    return meet_year(profile.user)


def test_certificate_is_issued_once_with_totals(cert):
    assert cert.totals == {"required": "35.00", "elective": "17.50", "total": "52.50", "needed": "50.00"}
    assert cert.unit_name == "县财政局" and cert.serial == f"CC2026-{cert.user_id:08d}"
    api.recompute_year_status(cert.user, {2026})
    assert AnnualCertificate.objects.filter(user=cert.user).count() == 1


def test_no_certificate_under_a_pack_without_one():
    loudi = make_tree(policy_key="loudi")
    profile = make_profile(loudi["a"])
    for index in range(3):
        key = f"course-v1:Loudi+R{index}+2026"
        api.set_course_credit_spec(key, category="required", hours=Decimal("20"))
        api.award_course_hours(profile.user, key, evidence_type="certificate", evidence_ref=key,
                               earned_on=date(2026, 4, 1))
    assert api.learner_year_summary(profile.user, 2026)["met"] is True
    assert not AnnualCertificate.objects.exists()


def test_pdf_embeds_a_truetype_cjk_font_and_is_not_blank(cert):
    pdf = render_certificate(cert)
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf  # an embedded TrueType program, not a CID reference
    assert b"STSong" not in pdf
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 1
    page = document[0]
    text = page.get_textpage().get_text_range()
    assert "欧阳明华" in text and cert.serial in text and cert.verification_code in text
    assert "52.5" in text
    profile = cert.user.cadre_profile
    assert profile.id_number not in text and profile.masked_id_number not in text
    image = page.render(scale=1).to_pil().convert("L")
    width, height = image.size
    title_band = image.crop((int(width * 0.25), int(height * 0.12), int(width * 0.75), int(height * 0.28)))
    body_band = image.crop((int(width * 0.1), int(height * 0.3), int(width * 0.9), int(height * 0.6)))
    for band in (title_band, body_band):
        dark = sum(band.histogram()[:160])
        assert dark > 0.01 * band.size[0] * band.size[1], "text area is blank"


def test_shipped_font_covers_common_names():
    font = register_font()
    assert font == FONT_NAME
    assert missing_characters(font, "张王李赵欧阳明华结业证书学时必修选修０１２ABC·（）") == set()


def test_public_verification_page(client, cert):
    url = reverse("cadre_policy:verify-certificate")
    response = client.get(url, {"code": cert.verification_code.lower()})
    body = response.content.decode()
    assert response.status_code == 200 and "欧阳明华" in body and cert.serial in body
    profile = cert.user.cadre_profile
    assert profile.id_number not in body and profile.masked_id_number not in body
    assert "欧阳明华" not in client.get(url, {"code": "AAAA-BBBB-CCCC"}).content.decode()


def test_pdf_download_scope(client, tree, cert):
    url = reverse("cadre_policy:certificate-pdf", args=[cert.serial])
    assert client.get(url).status_code == 302  # login first
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    client.force_login(make_admin(tree["b"]))
    assert client.get(url).status_code == 404
    client.force_login(make_admin(tree["county"]))
    assert client.get(url)["Content-Type"] == "application/pdf"
    client.force_login(cert.user)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
