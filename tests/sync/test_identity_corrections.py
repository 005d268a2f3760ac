"""
Identity corrections reach the registry (issue 13): after an ID number is corrected (or
two accounts of one person merged) the reference registry holds every record under the
new identity and none under the old, through the outbox with the same guarantees as
records, and reconciliation, comparing per person, is clean.  A ``conflict`` is never
taken as delivered without a person's decision.
"""
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cadre_policy_plugin import api
from cadre_policy_plugin.models import AuditLog, CorrectionImmutableError, IdentityCorrection, LearnerProfile
from sync_adapter import conflicts, delivery, outbox, reconciliation
from sync_adapter.models import DeliveryOutcome, OutboxKind, OutboxRecord, OutboxStatus
from sync_adapter.settings.common import DEFAULTS
from tests.plugin.factories import make_admin, make_id_number, make_profile, make_tree

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 5)
PROVIDERS = ("IDENTITY_BATCH_PROVIDER", "IDENTITY_PROVIDER", "YEAR_TOTALS_PROVIDER", "LEDGER_ENTRY_PROVIDER", "TRANSFER_PROVIDER",
             "CORRECTIONS_PROVIDER")


@pytest.fixture
def plugin_sync(registry, sync):
    sync(**{name: DEFAULTS[name] for name in PROVIDERS})
    return registry


@pytest.fixture
def people():
    tree = make_tree()
    old, new = make_id_number(serial=411), make_id_number(serial=412)
    return {"tree": tree, "old": old, "new": new,
            "learner": make_profile(tree["a"], id_number=old, real_name="王芳").user,
            "admin": make_admin(tree["a"]), "outsider": make_admin(tree["b"])}


def add(learner, admin, hours, note):
    """A live class of ``hours`` × 45 minutes (Anhui counts 45 minutes as one hour)."""
    return api.add_entry(learner, source="live_class", category="elective", minutes=Decimal(hours) * 45,
                         entered_by=admin, reason=f"直播课堂 {note}", earned_on=DAY)


def filed_under(registry, id_number):
    """Record ids the registry files under one ID number (the store holds them unmasked)."""
    rows = registry.store.db.execute("SELECT record_id FROM records WHERE person_id = ?", (id_number,)).fetchall()
    return {row[0] for row in rows}


def test_a_corrected_id_number_moves_every_delivered_record_and_reconciliation_is_clean(plugin_sync, people):
    learner, admin = people["learner"], people["admin"]
    delivered = [add(learner, admin, "4", "一"), add(learner, admin, "3", "二")]  # 7 of 12 hours delivered
    delivery.drain()
    assert filed_under(plugin_sync, people["old"]) == {entry.uuid for entry in delivered}
    later = [add(learner, admin, "5", "三")]  # 5 more hours still in the outbox

    correction = api.correct_id_number(learner, people["new"], by=admin, reason="身份证号录入错误，以户籍证明为准")
    transfer = OutboxRecord.objects.get(kind=OutboxKind.TRANSFER)
    assert transfer.entry_uuid == f"transfer:{correction.uuid}" and people["old"] not in str(transfer.payload)
    delivery.drain()

    assert set(OutboxRecord.objects.values_list("status", flat=True)) == {OutboxStatus.DELIVERED}
    assert filed_under(plugin_sync, people["new"]) == {entry.uuid for entry in delivered + later}
    assert filed_under(plugin_sync, people["old"]) == set()
    totals = plugin_sync.store.totals(people["new"], 2026)
    assert Decimal(totals["hours"]) == sum(entry.hours for entry in delivered + later) > 0
    assert totals["record_count"] == 3
    report = reconciliation.reconcile(year=2026)
    assert report.checked == 1 and report.clean, [d.as_dict() for d in report.differences]


def test_the_transfer_is_signed_idempotent_and_survives_a_lost_answer(plugin_sync, people):
    learner, admin = people["learner"], people["admin"]
    add(learner, admin, "2", "一")
    delivery.drain()
    api.correct_id_number(learner, people["new"], by=admin, reason="身份证号录入错误")
    plugin_sync.misbehave(lost_answer_rate=1.0)
    delivery.drain()
    row = OutboxRecord.objects.get(kind=OutboxKind.TRANSFER)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1  # stored, but the answer never came
    plugin_sync.misbehave()
    OutboxRecord.objects.filter(pk=row.pk).update(next_attempt_at=row.created)
    delivery.drain()
    row.refresh_from_db()
    assert row.status == OutboxStatus.DELIVERED and row.outcome == DeliveryOutcome.DUPLICATE
    counters = plugin_sync.store.counters()
    assert counters["transfers"] == 1 and counters["transfer_duplicates"] == 1 and counters["transferred_records"] == 1
    assert reconciliation.reconcile(year=2026).clean


def test_an_unsigned_transfer_is_refused(plugin_sync):
    import requests

    response = requests.post(f"{plugin_sync.url}/v1/persons/transfer", data=b"{}", timeout=5)
    assert response.status_code == 401 and response.json()["error"]["code"] == "signature_missing"


def test_a_requeued_record_meeting_a_conflict_waits_for_a_person_then_resends_as_duplicate(plugin_sync, people):
    learner, admin = people["learner"], people["admin"]
    entry = add(learner, admin, "3", "一")
    delivery.drain()
    # The sequence: the records are sent again under the new number before the
    # registry heard of the correction, and it answers "conflict".
    outbox.requeue(list(OutboxRecord.objects.filter(entry_uuid=entry.uuid)))
    api.correct_id_number(learner, people["new"], by=admin, reason="身份证号录入错误")
    report = delivery.drain()
    record = OutboxRecord.objects.get(entry_uuid=entry.uuid)
    assert record.status == OutboxStatus.REVIEW and record.outcome == DeliveryOutcome.CONFLICT
    assert report.review == 1
    assert OutboxRecord.objects.get(kind=OutboxKind.TRANSFER).status == OutboxStatus.DELIVERED
    assert filed_under(plugin_sync, people["new"]) == {entry.uuid}

    with pytest.raises(conflicts.DecisionError):
        conflicts.decide(conflicts.conflicts(user_id=learner.pk), "resend", by="", reason="")
    call_command("cadre_sync_conflicts", "resend", "--learner", str(learner.pk), "--by", admin.username,
                 "--reason", "转移已送达，重新发送")
    delivery.drain()
    record.refresh_from_db()
    assert record.status == OutboxStatus.DELIVERED and record.outcome == DeliveryOutcome.DUPLICATE
    assert record.decision == "resend" and record.decided_by == admin.username
    assert reconciliation.reconcile(year=2026).clean


def test_accepting_a_conflict_records_who_and_why(plugin_sync, people):
    learner, admin = people["learner"], people["admin"]
    entry = add(learner, admin, "3", "一")
    delivery.drain()
    OutboxRecord.objects.filter(entry_uuid=entry.uuid).update(
        status=OutboxStatus.PENDING, payload={**OutboxRecord.objects.get(entry_uuid=entry.uuid).payload, "hours": "9"})
    delivery.drain()
    row = OutboxRecord.objects.get(entry_uuid=entry.uuid)
    assert row.status == OutboxStatus.REVIEW
    assert conflicts.decide(conflicts.conflicts(ids=[row.pk]), "accept", by="wangfang", reason="登记系统的副本正确") == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.DELIVERED and row.decision == "accept" and row.decided_at is not None


def test_two_corrections_in_a_row_are_delivered_in_order(plugin_sync, people):
    learner, admin = people["learner"], people["admin"]
    entry = add(learner, admin, "2", "一")
    delivery.drain()
    third = make_id_number(serial=413)
    plugin_sync.misbehave(error_rate=1.0)
    api.correct_id_number(learner, people["new"], by=admin, reason="第一次更正")
    delivery.drain()  # the first transfer fails and waits
    plugin_sync.misbehave()
    api.correct_id_number(learner, third, by=admin, reason="第二次更正")
    first, second = OutboxRecord.objects.filter(kind=OutboxKind.TRANSFER).order_by("id")
    assert second.reverses_uuid == first.entry_uuid  # held back until the first is delivered
    OutboxRecord.objects.filter(pk=first.pk).update(next_attempt_at=first.created)
    delivery.drain()
    delivery.drain()
    assert filed_under(plugin_sync, third) == {entry.uuid}
    assert filed_under(plugin_sync, people["old"]) == filed_under(plugin_sync, people["new"]) == set()
    assert reconciliation.reconcile(year=2026).clean


def test_merging_two_accounts_of_one_person_files_both_under_one_number(plugin_sync, people):
    learner, admin = people["learner"], people["admin"]
    duplicate = make_profile(people["tree"]["a"], id_number=make_id_number(serial=414), real_name="王芳").user
    add(learner, admin, "4", "主账号")
    add(duplicate, admin, "3", "重复账号")
    delivery.drain()
    api.merge_learner_accounts(duplicate, learner, by=admin, reason="同一人两个账号，保留主账号")
    duplicate.refresh_from_db()
    assert not duplicate.is_active
    later = add(duplicate, admin, "1", "合并后")  # still filed under the surviving number
    delivery.drain()
    assert len(filed_under(plugin_sync, people["old"])) == 3 and later.uuid in filed_under(plugin_sync, people["old"])
    report = reconciliation.reconcile(year=2026)
    assert report.checked == 1 and report.clean, [d.as_dict() for d in report.differences]


def test_reconciliation_reports_records_left_under_the_old_number(plugin_sync, people):
    learner, admin = people["learner"], people["admin"]
    add(learner, admin, "2", "一")
    delivery.drain()
    api.correct_id_number(learner, people["new"], by=admin, reason="身份证号录入错误")
    # A transfer the registry never received (the outbox row parked): the old number still holds the record.
    OutboxRecord.objects.filter(kind=OutboxKind.TRANSFER).update(status=OutboxStatus.DEAD, dead_reason="test")
    report = reconciliation.reconcile(year=2026)
    errors = {diff.error for diff in report.differences}
    assert "records_under_old_identity" in errors


def test_corrections_are_audited_scoped_and_refused_when_wrong(plugin_sync, people):
    learner, admin = people["learner"], people["admin"]
    other = make_profile(people["tree"]["a"], id_number=make_id_number(serial=415)).user
    with pytest.raises(ValidationError) as taken:
        api.correct_id_number(learner, LearnerProfile.objects.get(user=other).id_number, by=admin, reason="x")
    assert "合并帐户" in str(taken.value)  # the zh-Hans message: "merge them"
    with pytest.raises(ValidationError):
        api.correct_id_number(learner, people["old"], by=admin, reason="没有变化")
    with pytest.raises(ValidationError):
        api.correct_id_number(learner, people["new"], by=admin, reason=" ")
    with pytest.raises(ValidationError):
        valid = make_id_number(serial=416)
        api.correct_id_number(learner, valid[:-1] + ("0" if valid[-1] != "0" else "1"), by=admin, reason="校验位错误")
    with pytest.raises(PermissionDenied):
        api.correct_id_number(learner, people["new"], by=people["outsider"], reason="越权")
    assert not IdentityCorrection.objects.exists() and not OutboxRecord.objects.filter(kind="transfer").exists()

    api.correct_id_number(learner, people["new"], by=admin, reason="以户籍证明为准")
    row = AuditLog.objects.get(action="identity.correct")
    assert row.actor == admin and row.reason == "以户籍证明为准"
    assert people["old"] not in str(row.detail) and people["new"] not in str(row.detail)
    assert row.detail["old"].startswith(people["old"][:3]) and "*" in row.detail["new"]
    correction = IdentityCorrection.objects.get()
    with pytest.raises(CorrectionImmutableError):
        correction.save()
    with pytest.raises(CorrectionImmutableError):
        IdentityCorrection.objects.all().delete()


def test_the_admin_change_form_corrects_through_the_api(plugin_sync, people):
    learner = people["learner"]
    superuser = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(superuser)
    profile = LearnerProfile.objects.get(user=learner)
    url = reverse("admin:cadre_policy_learnerprofile_change", args=[profile.pk])
    form = {"real_name": profile.real_name, "mobile": profile.mobile, "rank": profile.rank, "unit": profile.unit_id,
            "status": profile.status, "approved": "on", "new_id_number": people["new"], "correction_reason": ""}
    response = client.post(url, form)
    assert response.status_code == 200 and "correction_reason" in response.context["adminform"].form.errors
    response = client.post(url, {**form, "correction_reason": "户籍证明"})
    assert response.status_code == 302, response.content[:500]
    profile.refresh_from_db()
    assert profile.id_number == people["new"]
    assert IdentityCorrection.objects.get().old_id_number == people["old"]
    assert OutboxRecord.objects.filter(kind=OutboxKind.TRANSFER).count() == 1


def test_the_transfer_and_its_answer_follow_the_openapi_contract(plugin_sync, people):
    import jsonschema

    from sync_adapter.adapters import get_adapter
    from sync_adapter.adapters.json_batch import TRANSFER_PATH, canonical_json
    from sync_adapter.client import RegistryClient
    from sync_adapter.conf import sync_config
    from tests.sync.conftest import KEY_ID, SECRET
    from tests.sync.test_openapi_contract import SPEC, schema

    assert TRANSFER_PATH in SPEC["paths"]
    add(people["learner"], people["admin"], "2", "一")
    delivery.drain()
    api.correct_id_number(people["learner"], people["new"], by=people["admin"], reason="身份证号录入错误")
    config = sync_config()
    transfers, failures = delivery.build_transfers(get_adapter(config),
                                                   list(OutboxRecord.objects.filter(kind="transfer")), config)
    assert not failures
    jsonschema.validate(transfers[0].body, schema("Transfer"))
    client = RegistryClient(plugin_sync.url, key_id=KEY_ID, secret=SECRET, connect_timeout=1, read_timeout=2)
    first = client.request("POST", TRANSFER_PATH, canonical_json(transfers[0].body))
    again = client.request("POST", TRANSFER_PATH, canonical_json(transfers[0].body))
    other = client.request("POST", TRANSFER_PATH, canonical_json(
        {**transfers[0].body, "to": {**transfers[0].body["to"], "id_number": make_id_number(serial=417)}}))
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    for answer in (first, again, other):
        jsonschema.validate(answer.json(), schema("TransferResult"))
    assert first.json()["moved"] == 1 and again.json()["status"] == "duplicate"


def test_the_command_reads_the_new_number_from_stdin_and_shows_it_masked(plugin_sync, people, monkeypatch):
    import io

    from django.core.management.base import CommandError

    out = io.StringIO()
    monkeypatch.setattr("sys.stdin", io.StringIO(people["new"] + "\n"))
    call_command("cadre_correct_identity", "--admin", people["admin"].username, "--learner",
                 people["learner"].username, "--reason", "户籍证明", stdout=out)
    assert people["new"] not in out.getvalue() and people["new"][-4:] in out.getvalue()
    assert LearnerProfile.objects.get(user=people["learner"]).id_number == people["new"]
    monkeypatch.setattr("sys.stdin", io.StringIO(people["new"] + "\n"))
    with pytest.raises(CommandError, match="已经是"):  # "already the learner's ID number"
        call_command("cadre_correct_identity", "--admin", people["admin"].username, "--learner",
                     people["learner"].username, "--reason", "again")
    duplicate = make_profile(people["tree"]["a"], id_number=make_id_number(serial=418)).user
    call_command("cadre_correct_identity", "--admin", people["admin"].username, "--learner", duplicate.username,
                 "--merge-into", people["learner"].username, "--reason", "同一人", stdout=out)
    assert IdentityCorrection.objects.filter(kind="merge", user=duplicate).exists()
