"""
Inner Mongolia's hours registration form (学时登记表, Art. 12–13): the learner declares
non-online hours by 20 December, the unit approves (a ledger entry with the evidence)
or rejects (the reason goes back), and the year's form is exported as the filed record.
"""
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadre_policy_plugin.declarations import export, service
from cadre_policy_plugin.models import DeclarationStatus, EvidenceType, HoursDeclaration, LearnerProfile, LedgerEntry
from tests.plugin import console_world
from tests.plugin.console_world import YEAR, tiny_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def world():
    return console_world.build("nei-mongol-2016")


def pdf(name="鉴定表.pdf", text="assessment"):
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")


def declare_offline(learner, **extra):
    values = {"kind": "offline_training", "title": "自治区党校县处级干部进修班", "organiser": "自治区党校",
              "earned_on": date(YEAR, 5, 10), "amount": "2", "upload": pdf()}
    return service.declare(learner, **{**values, **extra})


def test_a_declared_line_waits_for_the_unit_and_shows_on_the_learners_page(client, world):
    learner = world["a"]["learner"]
    client.force_login(learner)
    response = client.post(reverse("cadre_policy:declarations"), {
        "kind": "self_study", "title": "学习心得：基层治理", "earned_on": f"{YEAR}-06-01", "amount": "2500",
        "document": pdf("心得.pdf", "notes")})
    assert response.status_code == 302
    line = HoursDeclaration.objects.get(user=learner, kind="self_study")
    assert line.status == DeclarationStatus.PENDING and line.characters == Decimal("2500") and line.document_id
    assert "学习心得：基层治理" in client.get(reverse("cadre_policy:declarations"), {"year": YEAR}).content.decode()


@pytest.mark.parametrize(("kind", "message"), [("offline_training", "学员鉴定表"), ("self_study", "")])
def test_off_job_training_and_self_study_need_their_document(world, kind, message):
    with pytest.raises(ValidationError) as refused:
        service.declare(world["a"]["learner"], kind=kind, title="无附件", earned_on=date(YEAR, 5, 10), amount="2000")
    assert refused.value.code == "document_required"


def test_group_study_and_lecturing_may_come_without_a_document(world):
    line = service.declare(world["a"]["learner"], kind="lecturing", title="为科级干部讲党课", earned_on=date(YEAR, 5, 10),
                           amount="90")
    assert line.minutes == Decimal("90") and line.document is None


@pytest.mark.now("2027-12-20T23:30:00+08:00")
def test_the_form_is_open_until_the_end_of_20_december_in_shanghai(world):
    assert declare_offline(world["a"]["learner"], earned_on=date(YEAR, 12, 18)).year == YEAR


@pytest.mark.now("2027-12-21T00:10:00+08:00")
def test_after_20_december_the_learner_is_sent_to_the_unit(client, world):
    with pytest.raises(ValidationError) as refused:
        declare_offline(world["a"]["learner"], earned_on=date(YEAR, 12, 18))
    assert refused.value.code == "deadline"
    client.force_login(world["a"]["learner"])
    body = client.get(reverse("cadre_policy:declarations"), {"year": YEAR}).content.decode()
    assert 'data-testid="declare-closed"' in body


@pytest.mark.now("2028-01-05T09:00:00+08:00")
def test_a_new_year_does_not_reopen_the_last_years_form(world):
    with pytest.raises(ValidationError) as refused:
        declare_offline(world["a"]["learner"], earned_on=date(YEAR, 11, 30))
    assert refused.value.code == "deadline"


def test_a_date_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        declare_offline(world["a"]["learner"], earned_on=date(YEAR, 7, 1))  # today is 2027-06-15
    assert refused.value.code == "future"


def test_approval_credits_the_line_with_its_document_as_evidence(client, world):
    line = declare_offline(world["a"]["learner"])
    client.force_login(world["admin"])
    response = client.post(reverse("cadre_policy:console:declaration-approve", args=[line.uuid]), {"note": "核对无误"})
    assert response.status_code == 302
    line.refresh_from_db()
    entry = LedgerEntry.objects.get(uuid=line.entry_uuid)
    assert line.status == DeclarationStatus.APPROVED and line.reviewed_by == world["admin"]
    assert entry.source == "offline_training" and entry.value_hours == Decimal("8")  # 2 half days × 4 (Art. 5)
    assert entry.evidence_type == EvidenceType.UPLOAD and entry.evidence_ref == line.document.sha256
    assert entry.entered_by == world["admin"]
    # Approving again neither credits twice nor pretends to.
    client.post(reverse("cadre_policy:console:declaration-approve", args=[line.uuid]))
    assert LedgerEntry.objects.filter(user=line.user, source="offline_training").count() == 1


def test_a_line_without_a_document_is_credited_once_on_its_own_reference(world):
    line = service.declare(world["a"]["learner"], kind="group_study", title="中心组学习（第二季度）",
                           earned_on=date(YEAR, 5, 10), amount="3")
    approved = service.approve(world["admin"], line.uuid)
    entry = LedgerEntry.objects.get(uuid=approved.entry_uuid)
    assert entry.evidence_type == EvidenceType.ADMINISTRATOR and entry.evidence_ref == f"declaration:{line.uuid}"
    assert entry.value_hours == Decimal("3")
    with pytest.raises(ValidationError):
        service.approve(world["admin"], line.uuid)


def test_rejection_sends_the_reason_back_to_the_learner(client, world):
    line = declare_offline(world["a"]["learner"])
    client.force_login(world["admin"])
    client.post(reverse("cadre_policy:console:declaration-reject", args=[line.uuid]), {"reason": "鉴定表缺少主办单位印章"})
    line.refresh_from_db()
    assert line.status == DeclarationStatus.REJECTED and not line.entry_uuid
    assert not LedgerEntry.objects.filter(user=line.user, source="offline_training").exists()
    client.force_login(world["a"]["learner"])
    assert "鉴定表缺少主办单位印章" in client.get(reverse("cadre_policy:declarations"), {"year": YEAR}).content.decode()


def test_a_rejection_needs_a_reason(world):
    line = declare_offline(world["a"]["learner"])
    with pytest.raises(ValidationError):
        service.reject(world["admin"], line.uuid, reason="  ")


def test_another_units_line_cannot_be_reviewed(world):
    with pytest.raises(HoursDeclaration.DoesNotExist):
        service.approve(world["admin"], world["b"]["line"].uuid)


def test_the_years_form_is_exported_as_the_filed_record(world):
    learner = world["a"]["learner"]
    approved = service.approve(world["admin"], declare_offline(learner).uuid)
    service.reject(world["admin"], service.declare(learner, kind="lecturing", title="讲党课", earned_on=date(YEAR, 6, 1),
                                                   amount="45").uuid, reason="无听课记录")
    profile = LearnerProfile.objects.select_related("unit", "user").get(user=learner)
    book = openpyxl.load_workbook(io.BytesIO(export.form_xlsx([profile], YEAR, language="zh-hans")))
    sheet = book.worksheets[0]
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert profile.masked_id_number in cells and profile.id_number not in cells
    assert "自治区党校县处级干部进修班" in cells and "无听课记录" in cells
    assert approved.status == "approved"
    # The total row (label in A, hours in J): only approved lines count; the world's own pending line does not.
    total_row = next(row for row in sheet.iter_rows(values_only=True)
                     if row[0] and row[1] is None and isinstance(row[9], int | float | Decimal))
    assert Decimal(str(total_row[9])) == Decimal("8")
    english = openpyxl.load_workbook(io.BytesIO(export.form_xlsx([profile], YEAR, language="en")))
    assert english.worksheets[0]["A1"].value.startswith("Cadre education and training hours registration form")
