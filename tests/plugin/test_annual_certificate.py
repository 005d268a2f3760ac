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
from tests.services import in_ci

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


def decode_qr(pdf_bytes):
    """Render the PDF's page and read every QR code on it (zbar, as a phone camera would)."""
    try:
        from pyzbar.pyzbar import ZBarSymbol, decode
    except ImportError as exc:  # pyzbar without Debian's libzbar0 (./run-tests installs both)
        if in_ci():
            pytest.fail(f"zbar is required under CI=true: {exc}")
        pytest.skip(f"zbar is not installed: {exc}")

    page = pdfium.PdfDocument(pdf_bytes)[0]
    image = page.render(scale=3).to_pil().convert("L")
    return [symbol.data.decode("utf-8") for symbol in decode(image, symbols=[ZBarSymbol.QRCODE])]


def test_the_pdfs_qr_code_holds_the_absolute_verification_url_and_that_url_verifies(client, cert):
    client.force_login(cert.user)
    pdf = client.get(reverse("cadre_policy:certificate-pdf", args=[cert.serial])).content
    urls = decode_qr(pdf)
    assert len(urls) == 1
    url = urls[0]
    assert url == f"http://testserver/cadre/certificates/verify/?code={cert.verification_code}"
    page = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert url in page.replace("\r", "").replace("\n", "")  # printed in words as well
    client.logout()
    path = url.removeprefix("http://testserver")
    response = client.get(path)  # a stranger scanning the paper
    body = response.content.decode()
    assert response.status_code == 200 and "欧阳明华" in body and "真实有效" in body


def test_a_configured_verification_url_is_printed_and_encoded(settings, cert):
    settings.CADRE_POLICY = {"CERTIFICATE_VERIFY_URL": "https://peixun.example.org/verify"}
    assert decode_qr(render_certificate(cert)) == [f"https://peixun.example.org/verify?code={cert.verification_code}"]


@pytest.mark.parametrize("typed", [
    "{code}", "{lower}", "{compact}", "{compact_lower}", "  {lower}  ", "{spaced}", "{fullwidth}", "{em_dashes}",
])
def test_verification_ignores_case_spaces_dashes_and_full_width_characters(client, cert, typed):
    code = cert.verification_code
    compact = code.replace("-", "")
    variants = {
        "code": code, "lower": code.lower(), "compact": compact, "compact_lower": compact.lower(),
        "spaced": " ".join(compact[i:i + 4] for i in range(0, 12, 4)),
        "fullwidth": "".join(chr(ord(ch) + 0xFEE0) for ch in compact.lower()),
        "em_dashes": code.replace("-", "—"),
    }
    assert api.verify_annual_certificate(typed.format(**variants))["serial"] == cert.serial
    body = client.get(reverse("cadre_policy:verify-certificate"), {"code": typed.format(**variants)}).content.decode()
    assert "欧阳明华" in body


@pytest.mark.parametrize("typed", ["", "   ", "AAAA-BBBB-CCCC", "KSUV2638JZZ", "<script>"])
def test_verification_confirms_nothing_for_unknown_or_malformed_codes(cert, typed):
    assert api.verify_annual_certificate(typed) is None


def test_the_verification_page_wears_the_site_chrome_and_switches_language(client, cert):
    url = reverse("cadre_policy:verify-certificate")
    body = client.get(url, {"code": cert.verification_code}).content.decode()
    assert 'class="site-header"' in body and 'id="language-select"' in body and "跳到正文" in body
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url, {"code": cert.verification_code}).content.decode()
    assert "This certificate is genuine and valid." in english and 'lang="en"' in english


@pytest.mark.now("2027-01-01T07:00:00+08:00")
def test_the_issue_date_is_the_local_day_not_the_utc_one(tree):
    profile = make_profile(tree["a"], real_name="元旦")
    cert = meet_year(profile.user, 2026, prefix="N")  # issued on 1 Jan 07:00 Shanghai = 31 Dec 23:00 UTC
    text = pdfium.PdfDocument(render_certificate(cert))[0].get_textpage().get_text_range()
    assert "2027-01-01" in text and "2026-12-31" not in text


def neutral_seal(path):
    """A test seal: a grey ring with the word TEST (never any real organisation's seal)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 232, 232), outline=(90, 90, 90, 255), width=14)
    draw.text((92, 110), "TEST", fill=(90, 90, 90, 255))
    image.save(path)
    return str(path)


def test_no_seal_is_drawn_by_default_and_the_academys_seal_when_configured(settings, tmp_path, cert):
    plain = render_certificate(cert)
    assert b"/Subtype /Image" not in plain and b"/Subtype/Image" not in plain
    settings.CADRE_POLICY = {"CERTIFICATE_SEAL_IMAGE": neutral_seal(tmp_path / "seal.png")}
    sealed = render_certificate(cert)
    assert b"/Image" in sealed
    assert decode_qr(sealed)  # the seal does not cover the QR code


def test_a_missing_seal_file_is_a_system_check_error_and_prints_no_seal(settings, tmp_path, cert):
    from cadre_policy_plugin.checks import check_policy_and_font

    settings.CADRE_POLICY = {"CERTIFICATE_SEAL_IMAGE": str(tmp_path / "missing.png"),
                             "CERTIFICATE_VERIFY_URL": "/relative/verify"}
    assert {problem.id for problem in check_policy_and_font()} == {"cadre_policy.E010", "cadre_policy.E011"}
    assert render_certificate(cert).startswith(b"%PDF")


@pytest.mark.now("2027-03-16T09:30:00+08:00")
def test_a_learner_below_the_quota_prints_a_statement_of_the_years_hours(client, tree):
    profile = make_profile(tree["a"], real_name="欧阳明华")
    key = "course-v1:AnhuiAcademy+S1+2027"
    api.set_course_credit_spec(key, category="required", hours=Decimal("17.5"))
    api.award_course_hours(profile.user, key, evidence_type="certificate", evidence_ref=key,
                           earned_on=date(2027, 3, 1))
    url = reverse("cadre_policy:hours-statement", args=[2027])
    client.force_login(profile.user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdfium.PdfDocument(response.content)[0].get_textpage().get_text_range()
    assert "学时证明" in text and "欧阳明华" in text and "17.5" in text and "32.5" in text  # earned, shortfall
    assert "2027-03-16" in text and "不是结业证书" in text and "必修 17.5，选修 0" in text
    assert profile.id_number not in text and profile.masked_id_number not in text
    client.force_login(make_user())  # someone without a profile has no statement
    assert client.get(url).status_code == 404
