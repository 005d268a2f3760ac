"""Evidence documents: upload with an entry, magic bytes, once per learner, scoped download."""
import io
import logging
import struct
import zlib
from datetime import date

import pytest
from django.core.checks import run_checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from reportlab.pdfgen import canvas
from rest_framework.test import APIClient

from cadre_policy_plugin.models import DocumentImmutableError, EvidenceDocument, LedgerEntry
from cadre_policy_plugin.services import evidence
from tests.plugin.factories import make_academy_staff, make_admin, make_profile, make_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def tiny_pdf(text="attendance"):
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(200, 100))
    page.drawString(10, 50, text)
    page.save()
    return buffer.getvalue()


def tiny_png():
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def world():
    tree = make_tree(policy_key="nei-mongol-2016")
    return {"tree": tree, "a": make_profile(tree["a"], real_name="甲"), "b": make_profile(tree["b"], real_name="乙"),
            "admin_a": make_admin(tree["a"]), "admin_b": make_admin(tree["b"]),
            "admin_county": make_admin(tree["county"])}


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def upload_url(user_id):
    return reverse("cadre_policy:api-learner-entry-upload", args=[user_id])


def doc_url(sha256):
    return reverse("cadre_policy:api-evidence-document", args=[sha256])


def form(document, **extra):
    fields = {"source": "offline_training", "half_days": "2", "earned_on": "2026-04-10",
              "reason": "党校培训班结业证明", "document": document, **extra}
    return {key: value for key, value in fields.items() if value is not None}


def test_uploaded_pdf_backs_an_entry_and_is_stored_under_a_dated_content_path(world, media):
    data = tiny_pdf()
    response = client_for(world["admin_a"]).post(
        upload_url(world["a"].user_id), form(SimpleUploadedFile("结业证书.pdf", data, "application/pdf")),
        format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    document = EvidenceDocument.objects.get()
    assert body["evidence_type"] == "upload" and body["evidence_ref"] == document.sha256
    assert body["hours"] == "8.00" and body["document"]["content_type"] == "application/pdf"
    assert document.size == len(data) and document.original_name == "结业证书.pdf"
    assert document.file.name.startswith("cadre_evidence/") and document.file.name.endswith(f"{document.sha256}.pdf")
    assert "结业证书" not in document.file.name
    assert (media / document.file.name).read_bytes() == data


def test_the_same_document_is_refused_twice_for_a_learner_but_backs_another(world):
    data = tiny_png()
    admin = client_for(world["admin_county"])
    first = admin.post(upload_url(world["a"].user_id), form(SimpleUploadedFile("sheet.png", data)), format="multipart")
    again = admin.post(upload_url(world["a"].user_id),
                       form(SimpleUploadedFile("renamed.png", data), earned_on="2026-05-01"), format="multipart")
    other = admin.post(upload_url(world["b"].user_id), form(SimpleUploadedFile("sheet.png", data)), format="multipart")
    assert first.status_code == 201 and again.status_code == 409 and other.status_code == 201
    assert EvidenceDocument.objects.count() == 1
    assert LedgerEntry.objects.filter(evidence_type="upload").count() == 2


@pytest.mark.parametrize("name,data", [
    ("fake.pdf", b"MZ\x90\x00 this is an executable"),
    ("notes.pdf", "学习心得".encode()),
    ("photo.png", b"\xff\xd8\xff\xe0" + b"\x00" * 20),  # JPEG bytes under a PNG name
    ("empty.pdf", b""),
])
def test_magic_bytes_decide_and_a_refused_upload_stores_nothing(world, media, name, data):
    response = client_for(world["admin_a"]).post(
        upload_url(world["a"].user_id), form(SimpleUploadedFile(name, data, "application/pdf")), format="multipart")
    assert response.status_code == 400
    assert not EvidenceDocument.objects.exists() and not LedgerEntry.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_an_entry_the_rules_refuse_leaves_no_file_behind(world, media):
    response = client_for(world["admin_a"]).post(
        upload_url(world["a"].user_id), form(SimpleUploadedFile("a.pdf", tiny_pdf()), half_days=None,
                                             characters="1000", source="offline_training"), format="multipart")
    assert response.status_code == 400
    assert not EvidenceDocument.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_size_limit_is_a_setting(world):
    with override_settings(CADRE_POLICY={"EVIDENCE_MAX_BYTES": 100}):
        response = client_for(world["admin_a"]).post(
            upload_url(world["a"].user_id), form(SimpleUploadedFile("a.pdf", tiny_pdf())), format="multipart")
    assert response.status_code == 400 and not EvidenceDocument.objects.exists()


def test_sibling_admin_cannot_upload_for_or_download_from_another_unit(world):
    data = tiny_pdf("b only")
    refused = client_for(world["admin_a"]).post(
        upload_url(world["b"].user_id), form(SimpleUploadedFile("a.pdf", data)), format="multipart")
    assert refused.status_code == 404 and not EvidenceDocument.objects.exists()
    created = client_for(world["admin_b"]).post(
        upload_url(world["b"].user_id), form(SimpleUploadedFile("a.pdf", data)), format="multipart")
    sha = created.json()["evidence_ref"]
    assert client_for(world["admin_a"]).get(doc_url(sha)).status_code == 404
    assert client_for(world["a"].user).get(doc_url(sha)).status_code == 404
    assert client_for(make_user()).get(doc_url(sha)).status_code == 404
    assert client_for(None).get(doc_url(sha)).status_code in (401, 403)
    for reader in (world["b"].user, world["admin_b"], world["admin_county"]):
        response = client_for(reader).get(doc_url(sha))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
        assert response["Content-Type"] == "application/pdf"
    assert client_for(world["admin_b"]).get(doc_url("0" * 64)).status_code == 404


def test_service_refuses_outside_scope_and_never_logs_the_name_at_info(world, caplog):
    with pytest.raises(PermissionDenied):
        evidence.add_entry_with_document(world["b"].user, SimpleUploadedFile("x.pdf", tiny_pdf()),
                                         source="offline_training", entered_by=world["admin_a"], reason="r",
                                         earned_on=date(2026, 4, 1), half_days=1)
    with caplog.at_level(logging.DEBUG):
        entry, document = evidence.add_entry_with_document(
            world["a"].user, SimpleUploadedFile("张三-340104198005170011.pdf", tiny_pdf()), source="offline_training",
            entered_by=world["admin_a"], reason="r", earned_on=date(2026, 4, 1), half_days=1)
    assert entry.evidence_ref == document.sha256
    assert "340104198005170011" not in caplog.text and "张三" not in caplog.text
    with pytest.raises(DocumentImmutableError):
        document.delete()
    with pytest.raises(DocumentImmutableError):
        EvidenceDocument.objects.all().delete()


def test_admin_entry_page_links_the_document_for_academy_staff(world, client):
    data = tiny_pdf()
    entry, document = evidence.add_entry_with_document(
        world["a"].user, SimpleUploadedFile("x.pdf", data), source="offline_training", entered_by=world["admin_a"],
        reason="r", earned_on=date(2026, 4, 1), half_days=1)
    row = LedgerEntry.objects.get(uuid=entry.uuid)
    client.force_login(make_academy_staff(is_staff=True))
    page = client.get(reverse("admin:cadre_policy_ledgerentry_change", args=[row.pk]))
    assert page.status_code == 200 and doc_url(document.sha256) in page.content.decode()
    docs = client.get(reverse("admin:cadre_policy_evidencedocument_change", args=[document.pk]))
    assert docs.status_code == 200 and "甲" in docs.content.decode()  # belongs to the learner of unit A


def test_check_digest_of_content_not_extension():
    with pytest.raises(ValidationError):
        evidence.check_document(b"GIF89a....", "x.gif")
    assert evidence.check_document(tiny_png(), "x.PNG") == "image/png"
    assert evidence.check_document(tiny_jpeg(), "scan.jpeg") == "image/jpeg"


def tiny_jpeg(size=(8, 8)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def pixel_bomb_png(side=100_000):
    """A PNG of a few hundred bytes whose header claims side × side pixels."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(
        b"IEND", b"")


def encrypted_pdf():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(tiny_pdf())).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, code", [
    ("cert.pdf", b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>", "document_unreadable"),
    ("cert.pdf", tiny_pdf()[:200], "document_unreadable"),  # a truncated PDF
    ("cert.pdf", encrypted_pdf(), "document_encrypted"),
    ("scan.jpeg", b"\xff\xd8\xff\xdb" + b"\x00" * 8, "document_unreadable"),  # a JPEG header, nothing behind it
    ("scan.jpg", tiny_jpeg()[:-200], "document_unreadable"),  # cut short
    ("photo.png", tiny_png()[:30], "document_unreadable"),
    ("photo.png", pixel_bomb_png(), "document_pixels"),
])
def test_evidence_is_checked_by_its_content_not_its_first_bytes(name, data, code):
    with pytest.raises(ValidationError) as caught:
        evidence.check_document(data, name)
    assert caught.value.code == code


def test_html_behind_a_pdf_header_is_refused_over_rest_and_stores_nothing(world, media):
    data = b"%PDF-1.4\n<!doctype html><html><body>not a certificate</body></html>"
    response = client_for(world["admin_a"]).post(
        upload_url(world["a"].user_id), form(SimpleUploadedFile("cert.pdf", data, "application/pdf")),
        format="multipart")
    assert response.status_code == 400 and "不是可读取的 PDF 文件" in response.content.decode()
    assert not EvidenceDocument.objects.exists() and not any(path.is_file() for path in media.rglob("*"))


def test_a_real_pdf_and_a_real_jpeg_are_accepted():
    assert evidence.check_document(tiny_pdf(), "attendance.pdf") == "application/pdf"
    assert evidence.check_document(tiny_jpeg((640, 480)), "scan.jpg") == "image/jpeg"


def test_system_checks_refuse_bad_limits_and_unknown_types():
    with override_settings(CADRE_POLICY={"EVIDENCE_MAX_BYTES": 0, "EVIDENCE_CONTENT_TYPES": ["image/gif"]}):
        ids = {message.id for message in run_checks()}
    assert {"cadre_policy.E005", "cadre_policy.E006"} <= ids
    with override_settings(CADRE_POLICY={}):
        ids = {message.id for message in run_checks()}
    assert not {"cadre_policy.E005", "cadre_policy.E006"} & ids
