"""
The console's pages do what an administrator needs, for a unit administrator who is not
platform staff: the dashboard's figures, drill-down to a learner's file, entries,
registrations, imports with a dry run, reports and notices.
"""
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadre_policy_plugin import api
from cadre_policy_plugin.console import stats
from cadre_policy_plugin.models import (
    AuditLog,
    EvidenceType,
    LearnerProfile,
    LedgerEntry,
    NoticeDispatch,
    NoticeRecipient,
    RegistrationReview,
    UnitAdministrator,
)
from tests.plugin import console_world
from tests.plugin.console_world import YEAR, tiny_pdf
from tests.plugin.factories import make_id_number, make_profile, make_user
from tests.plugin.import_files import csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def world():
    return console_world.build()


@pytest.fixture
def admin_client(client, world):
    client.force_login(world["admin"])
    return client


def url(name, *args):
    return reverse(f"cadre_policy:console:{name}", args=args)


def give(learner, hours, *, category="required", on=date(YEAR, 2, 10)):
    return api.add_entry(learner, source="online_course", category=category, hours=Decimal(hours), exam_passed=True,
                         earned_on=on, entered_by=None, reason="测试")


# ------------------------------------------------------------------ dashboard
def test_dashboard_rates_by_child_unit_come_from_the_cached_statuses(client, world):
    county_admin = make_user("county_admin")
    UnitAdministrator.objects.create(user=county_admin, node=world["tree"]["county"])
    give(world["a"]["learner"], "48", on=date(YEAR, 2, 10))  # 48 required + 2 elective live class = 50: met
    client.force_login(county_admin)
    response = client.get(url("unit", world["tree"]["county"].code), {"year": YEAR})
    rates = {row["node"].code: row for row in response.context["rates"]}
    # Unit A: the learner who met and the one whose registration waits (counted, as in the circular).
    assert rates["AH-HF-SX-A"]["learners"] == 2 and rates["AH-HF-SX-A"]["met"] == 1
    assert rates["AH-HF-SX-A"]["rate"] == Decimal("50.0")
    assert rates["AH-HF-SX-B"]["met"] == 0 and rates["AH-HF-SX-B"]["rate"] == Decimal("0.0")
    body = response.content.decode()
    assert 'data-testid="table-units"' in body and 'data-testid="chart-units"' in body
    assert "chart.umd.min.js" in body and "console-chart-data" in body


def test_completion_by_month_counts_a_learner_from_the_month_the_quota_was_reached(world):
    give(world["a"]["learner"], "20", on=date(YEAR, 2, 10))
    give(world["a"]["learner"], "28", on=date(YEAR, 5, 20))
    months = {row["month"]: row for row in stats.monthly(world["tree"]["a"], YEAR)}
    assert months[3]["elective"] == Decimal("2")  # the live class of 2 March
    assert months[2]["required"] == Decimal("20") and months[5]["required"] == Decimal("28")
    assert months[4]["met"] == 0 and months[5]["met"] == 1 and months[12]["rate"] == Decimal("50.0")


def test_below_target_lists_shortfalls_sortable_searchable_and_paginated(admin_client, world):
    for number in range(30):
        learner = make_user(f"bulk{number:02d}")
        make_profile(world["tree"]["a"], learner, real_name=f"批量{number:02d}")
        give(learner, str(number + 1))
    response = admin_client.get(url("unit", world["tree"]["a"].code), {"year": YEAR})
    page = response.context["below"]
    assert page.paginator.count == 32 and len(page.object_list) == 25
    assert [p.real_name for p in page.object_list[:2]] == ["批量00", "学员A"]  # largest shortfall first: 49, 48
    ascending = admin_client.get(url("unit", world["tree"]["a"].code), {"year": YEAR, "sort": "-shortfall", "q": "批量"})
    assert ascending.context["below"].object_list[0].real_name == "批量29"
    assert ascending.context["below"].object_list[0].shortfall_value == Decimal("20")
    found = admin_client.get(url("unit", world["tree"]["a"].code), {"year": YEAR, "q": "批量07"})
    assert [p.real_name for p in found.context["below"].object_list] == ["批量07"]


def test_dashboard_queries_do_not_grow_with_the_number_of_learners(admin_client, world):
    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url("unit", world["tree"]["a"].code), {"year": YEAR}).status_code == 200
        return len(captured)

    few = count_queries()
    for number in range(40):
        learner = make_user(f"many{number}")
        make_profile(world["tree"]["a"], learner)
        give(learner, "5")
    assert count_queries() == few


def test_the_year_picker_offers_years_with_statuses(admin_client, world):
    give(world["a"]["learner"], "5", on=date(2026, 4, 1))
    response = admin_client.get(url("unit", world["tree"]["a"].code), {"year": 2026})
    assert response.context["year"] == 2026
    assert 2026 in response.context["years"] and 2027 in response.context["years"]


# ------------------------------------------------------------------ drill-down and the file
def test_drill_down_reaches_the_learners_file_with_the_id_number_masked(admin_client, world):
    profile = LearnerProfile.objects.get(user=world["a"]["learner"])
    unit_page = admin_client.get(url("unit", world["tree"]["a"].code), {"year": YEAR}).content.decode()
    assert url("learner", profile.user_id) in unit_page
    body = admin_client.get(url("learner", profile.user_id), {"year": YEAR}).content.decode()
    assert profile.masked_id_number in body
    assert profile.id_number not in body
    assert "直播课补录" in body


def test_the_files_entry_rows_escape_what_people_typed_and_keep_their_actions(admin_client, world):
    learner = world["a"]["learner"]
    api.add_entry(learner, source="live_class", category="elective", earned_on=date(YEAR, 5, 9), hours=Decimal("1"),
                  entered_by=world["admin"], reason="<script>alert(\"x\")</script> & '补录'",
                  evidence_ref="escape-test")
    body = admin_client.get(url("learner", learner.pk), {"year": YEAR}).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;补录&#x27;" in body
    entry = LedgerEntry.objects.get(user=learner, evidence_ref="escape-test")
    revoke = url("entry-revoke", learner.pk, entry.uuid)
    assert f'data-uuid="{entry.uuid}"' in body and f'action="{revoke}"' in body
    assert 'name="csrfmiddlewaretoken" value="' in body
    response = admin_client.post(revoke, {"reason": "重复录入"})
    assert response.status_code == 302 and LedgerEntry.objects.filter(reverses=entry).exists()
    body = admin_client.get(url("learner", learner.pk), {"year": YEAR}).content.decode()
    row = body[body.index(f'<tr class="revoked" data-testid="entry" data-uuid="{entry.uuid}"'):]
    row = row[:row.index("</tr>")]
    assert "<td>撤销</td>" in row  # "Revoked"
    assert 'data-testid="revoke-form"' not in row


def test_no_console_page_shows_a_whole_id_number(admin_client, world):
    numbers = list(LearnerProfile.objects.values_list("id_number", flat=True))
    pages = [url("index"), url("unit", "AH-HF-SX-A"), url("learner", world["a"]["learner"].pk), url("registrations"),
             url("declarations"), url("node-reports", "AH-HF-SX-A"), url("dispatch", world["a"]["dispatch"].pk),
             url("report-export", "AH-HF-SX-A", YEAR, "learners.csv")]
    for page in pages:
        body = admin_client.get(page, {"year": YEAR}).content.decode("utf-8-sig")
        assert not any(number in body for number in numbers), page


# ------------------------------------------------------------------ entries
def test_back_fill_with_a_document_credits_an_upload_entry(admin_client, world):
    learner = world["a"]["learner"]
    document = SimpleUploadedFile("签到表.pdf", tiny_pdf("sign-in sheet"), content_type="application/pdf")
    response = admin_client.post(url("entry-add", learner.pk), {
        "source": "live_class", "category": "elective", "earned_on": f"{YEAR}-05-08", "quantity": "hours",
        "amount": "3", "reason": "党校直播课补录", "document": document})
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(user=learner, reason="党校直播课补录")
    assert entry.evidence_type == EvidenceType.UPLOAD and entry.entered_by == world["admin"]
    assert entry.value_hours == Decimal("3")
    assert admin_client.get(url("document", entry.evidence_ref)).status_code == 200


def test_back_fill_without_a_reason_is_refused_and_writes_nothing(admin_client, world):
    before = LedgerEntry.objects.count()
    admin_client.post(url("entry-add", world["a"]["learner"].pk), {
        "source": "live_class", "category": "elective", "earned_on": f"{YEAR}-05-08", "quantity": "hours",
        "amount": "3", "reason": ""})
    assert LedgerEntry.objects.count() == before


def test_revocation_adds_a_reversal_with_the_reason(admin_client, world):
    entry = world["a"]["entry"]
    admin_client.post(url("entry-revoke", world["a"]["learner"].pk, entry.uuid), {"reason": "重复录入"})
    reversal = LedgerEntry.objects.get(reverses__uuid=entry.uuid)
    assert reversal.reason == "重复录入" and reversal.value_hours == Decimal("-2")


def test_correction_revokes_the_old_entry_and_adds_the_corrected_one(admin_client, world):
    entry = world["a"]["entry"]
    response = admin_client.post(url("entry-correct", world["a"]["learner"].pk, entry.uuid), {
        "source": "live_class", "category": "elective", "earned_on": f"{YEAR}-03-02", "quantity": "hours",
        "amount": "1.5", "reason": "时长应为1.5学时"})
    assert response.status_code == 302
    assert "时长应为1.5学时" in LedgerEntry.objects.get(reverses__uuid=entry.uuid).reason
    corrected = LedgerEntry.objects.get(user=world["a"]["learner"], reason="时长应为1.5学时")
    assert corrected.value_hours == Decimal("1.5")


# ------------------------------------------------------------------ registrations
def test_approving_a_registration_approves_and_activates_the_account(admin_client, world):
    pending = world["a"]["pending"]
    type(pending).objects.filter(pk=pending.pk).update(is_active=False)
    assert pending.username in admin_client.get(url("registrations")).content.decode()
    admin_client.post(url("registration-approve", pending.pk))
    pending.refresh_from_db()
    assert LearnerProfile.objects.get(user=pending).approved and pending.is_active
    assert AuditLog.objects.filter(action="registration.approve", learner=pending).exists()
    assert pending.username not in admin_client.get(url("registrations")).content.decode()


def test_rejecting_a_registration_records_the_reason_and_leaves_the_list(admin_client, world):
    pending = world["a"]["pending"]
    admin_client.post(url("registration-reject", pending.pk), {"reason": "单位与花名册不符"})
    review = RegistrationReview.objects.get(user=pending)
    assert review.decision == "rejected" and review.reason == "单位与花名册不符"
    assert not LearnerProfile.objects.get(user=pending).approved
    assert pending.username not in admin_client.get(url("registrations")).content.decode()


def test_a_rejection_needs_a_reason(admin_client, world):
    admin_client.post(url("registration-reject", world["a"]["pending"].pk), {"reason": ""})
    assert not RegistrationReview.objects.exists()


# ------------------------------------------------------------------ imports
ENTRY_HEADER = ["身份证号", "来源", "日期", "学时"]


def test_an_import_preview_lists_every_row_error_and_writes_nothing(admin_client, world):
    profile_a = LearnerProfile.objects.get(user=world["a"]["learner"])
    profile_b = LearnerProfile.objects.get(user=world["b"]["learner"])
    data = csv_bytes(ENTRY_HEADER, [[profile_a.id_number, "中心组学习", f"{YEAR}-04-02", "2"],
                                    [profile_b.id_number, "中心组学习", f"{YEAR}-04-02", "2"],
                                    [profile_a.id_number, "打麻将", "昨天", "2"]])
    before = LedgerEntry.objects.count()
    response = admin_client.post(url("import-preview", "entries"), {
        "file": SimpleUploadedFile("entries.csv", data), "reason": "年度补录"})
    assert response.status_code == 400
    errors = response.context["report"].errors
    assert {error.row for error in errors} == {3, 4} and len(errors) == 3
    body = response.content.decode()
    assert 'data-testid="import-row-errors"' in body and 'data-testid="import-run"' not in body
    assert profile_b.id_number not in body and profile_a.id_number not in body
    assert LedgerEntry.objects.count() == before


def test_a_clean_preview_then_import_now_writes_exactly_the_previewed_file(admin_client, world):
    profile_a = LearnerProfile.objects.get(user=world["a"]["learner"])
    data = csv_bytes(ENTRY_HEADER + ["类别"], [[profile_a.id_number, "直播课堂", f"{YEAR}-04-02", "2", "选修"]])
    preview = admin_client.post(url("import-preview", "entries"), {
        "file": SimpleUploadedFile("entries.csv", data), "reason": "年度补录", "progress_token": "abc123"})
    assert preview.status_code == 200, [e.as_dict() for e in preview.context["report"].errors]
    assert preview.context["report"].dry_run
    assert not LedgerEntry.objects.filter(reason="年度补录").exists()
    progress = admin_client.get(url("import-progress", "abc123")).json()
    assert progress["done"] == progress["total"] == 1
    token = preview.context["token"]
    done = admin_client.post(url("import-run", "entries"), {"token": token})
    assert done.status_code == 200 and done.context["report"].written
    assert LedgerEntry.objects.filter(reason="年度补录", user=world["a"]["learner"]).count() == 1
    assert admin_client.post(url("import-run", "entries"), {"token": token}).status_code == 404  # used once


def test_an_import_token_of_another_session_is_404(admin_client, client, world):
    profile_a = LearnerProfile.objects.get(user=world["a"]["learner"])
    data = csv_bytes(ENTRY_HEADER + ["类别"], [[profile_a.id_number, "直播课堂", f"{YEAR}-04-02", "2", "选修"]])
    token = admin_client.post(url("import-preview", "entries"), {
        "file": SimpleUploadedFile("entries.csv", data), "reason": "年度补录"}).context["token"]
    other = make_user("other_admin")
    UnitAdministrator.objects.create(user=other, node=world["tree"]["a"])
    second = Client()
    second.force_login(other)
    assert second.post(url("import-run", "entries"), {"token": token}).status_code == 404


def test_a_roster_preview_shows_the_learners_it_would_create(admin_client, world):
    data = csv_bytes(["姓名", "身份证号", "职级", "单位代码"], [["新学员", make_id_number(501), "科级", "AH-HF-SX-A"]])
    response = admin_client.post(url("import-preview", "roster"), {"file": SimpleUploadedFile("roster.csv", data)})
    assert response.status_code == 200
    assert [row.action for row in response.context["report"].rows] == ["create"]
    assert not LearnerProfile.objects.filter(real_name="新学员").exists()


# ------------------------------------------------------------------ reports and notices
def test_exports_follow_the_pages_language(admin_client, world):
    chinese = admin_client.get(url("report-export", "AH-HF-SX-A", YEAR, "xlsx"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert openpyxl.load_workbook(io.BytesIO(chinese.content)).sheetnames == ["单位汇总", "学员明细"]
    english = admin_client.get(url("report-export", "AH-HF-SX-A", YEAR, "xlsx"), HTTP_ACCEPT_LANGUAGE="en")
    assert openpyxl.load_workbook(io.BytesIO(english.content)).sheetnames == ["Units", "Learner details"]
    csv_en = admin_client.get(url("report-export", "AH-HF-SX-A", YEAR, "units.csv"), HTTP_ACCEPT_LANGUAGE="en")
    assert csv_en.content.decode("utf-8-sig").startswith("Unit code")


def test_sending_notices_records_who_got_what_and_a_second_sending_must_be_confirmed(admin_client, world):
    NoticeDispatch.objects.all().delete()
    response = admin_client.post(url("send-notices", "AH-HF-SX-A"), {"year": YEAR, "quarter": 2})
    assert response.status_code == 302
    dispatch = NoticeDispatch.objects.get(node=world["tree"]["a"], year=YEAR, quarter=2)
    assert dispatch.sent == 1 and not dispatch.resend and dispatch.sent_by == world["admin"]
    assert [m.to for m in mail.outbox] == [["learner_a@example.invalid"]]
    sent = NoticeRecipient.objects.get(dispatch=dispatch, outcome="sent")
    assert sent.user == world["a"]["learner"] and sent.email == "learner_a@example.invalid" and sent.subject
    # The pending learner has no status for the year: recorded as skipped, not silently dropped.
    assert NoticeRecipient.objects.filter(dispatch=dispatch, outcome="no_status").count() == 1

    again = admin_client.post(url("send-notices", "AH-HF-SX-A"), {"year": YEAR, "quarter": 2}, follow=True,
                              HTTP_ACCEPT_LANGUAGE="en")
    assert "was already sent" in again.content.decode()
    assert NoticeDispatch.objects.filter(quarter=2).count() == 1 and len(mail.outbox) == 1
    admin_client.post(url("send-notices", "AH-HF-SX-A"), {"year": YEAR, "quarter": 2, "confirm_resend": "on"})
    assert NoticeDispatch.objects.filter(quarter=2, resend=True).count() == 1 and len(mail.outbox) == 2
    detail = admin_client.get(url("dispatch", dispatch.pk)).content.decode()
    assert "learner_a@example.invalid" in detail


def test_the_reports_page_shows_the_circular_in_the_pages_language(admin_client, world):
    body = admin_client.get(url("node-reports", "AH-HF-SX-A"), {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="en").content
    assert "Circular on the cadre online training of academic year 2027" in body.decode()


@pytest.mark.parametrize(("language", "words"), [
    ("zh-hans", ["各单位完成率", "未达标学员", "统计概览", "学时登记表"]),
    ("en", ["Completion rate by unit", "Learners below target", "Dashboard", "Hours registration forms"]),
])
def test_the_dashboard_speaks_both_languages(admin_client, world, language, words):
    body = admin_client.get(url("unit", "AH-HF-SX-A"), {"year": YEAR}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert all(word in body for word in words)


def test_the_learner_is_told_why_the_registration_was_returned(admin_client, world):
    pending = world["a"]["pending"]
    assert api.registration_rejection(pending) is None
    admin_client.post(url("registration-reject", pending.pk), {"reason": "单位与花名册不符"})
    assert api.registration_rejection(pending) == "单位与花名册不符"
    profile = LearnerProfile.objects.get(user=pending)
    profile.post = "科员（已更正）"
    profile.save()  # the learner corrected the registration: back in the unit's list, no longer "returned"
    assert api.registration_rejection(pending) is None
    assert pending.username in admin_client.get(url("registrations")).content.decode()
