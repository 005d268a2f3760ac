"""The dead-letter desk: list, show why, replay (all, by learner, by reason), admin page."""
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from sync_adapter import delivery
from sync_adapter.models import DeadLetter, OutboxRecord, OutboxStatus
from tests.sync import fakes

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead(registry, sync):
    """Three dead letters of two kinds: two learners with a bad ID number, one with none."""
    fakes.BROKEN_USERS.update({1001, 1002})
    for user_id in (1001, 1002, -7, 1003):
        fakes.record(fakes.make_entry(user_id))
    delivery.drain()
    assert OutboxRecord.objects.filter(status=OutboxStatus.DEAD).count() == 3
    return registry


def _call(*args):
    out = StringIO()
    call_command("cadre_sync_dead_letters", *args, stdout=out)
    return out.getvalue()


def test_list_shows_each_reason_and_row(dead):
    text = _call("list")
    assert "2  rejected:invalid_id_number" in text
    assert "1  no_registry_identity" in text
    assert "user 1001" in text and "user -7" in text
    assert fakes.id_number_for(1001, broken=True) not in text


def test_list_filters_by_learner_and_reason_prefix(dead):
    rows = json.loads(_call("list", "--json", "--reason", "rejected:"))
    assert {row["user_id"] for row in rows} == {1001, 1002}
    rows = json.loads(_call("list", "--json", "--learner", "-7"))
    assert [row["dead_reason"] for row in rows] == ["no_registry_identity"]


def test_show_explains_one_dead_letter(dead):
    row = OutboxRecord.objects.get(user_id=1001)
    shown = json.loads(_call("show", str(row.pk)))
    assert shown["dead_reason"] == "rejected:invalid_id_number"
    assert "ID number" in shown["last_error_detail"]


def test_replay_needs_a_selection(dead):
    with pytest.raises(CommandError):
        _call("replay")


def test_replay_by_learner_after_the_fix_delivers_only_that_learner(dead):
    fakes.BROKEN_USERS.discard(1001)
    assert "1 dead letters queued again" in _call("replay", "--learner", "1001")
    delivery.drain()
    assert OutboxRecord.objects.get(user_id=1001).status == OutboxStatus.DELIVERED
    assert OutboxRecord.objects.get(user_id=1001).replay_count == 1
    assert OutboxRecord.objects.filter(status=OutboxStatus.DEAD).count() == 2


def test_replay_by_reason_and_all(dead):
    fakes.BROKEN_USERS.clear()
    assert "2 dead letters" in _call("replay", "--reason", "rejected:invalid_id_number")
    delivery.drain()
    assert OutboxRecord.objects.filter(status=OutboxStatus.DEAD).count() == 1
    assert "1 dead letters" in _call("replay", "--all")
    delivery.drain()  # the learner still has no identity: dead again, not lost
    assert OutboxRecord.objects.get(user_id=-7).status == OutboxStatus.DEAD
    assert dead.store.counters()["stored"] == 3


def test_a_replay_of_something_not_dead_changes_nothing(dead):
    delivered = OutboxRecord.objects.get(user_id=1003)
    assert "0 dead letters" in _call("replay", "--id", str(delivered.pk))
    assert OutboxRecord.objects.get(pk=delivered.pk).status == OutboxStatus.DELIVERED


def test_the_admin_lists_dead_letters_and_replays_them(dead, client):
    admin = get_user_model().objects.create_superuser("ops", "ops@example.org", "pw")
    client.force_login(admin)
    page = client.get(reverse("admin:cadre_sync_deadletter_changelist"))
    assert page.status_code == 200
    assert b"rejected:invalid_id_number" in page.content
    assert DeadLetter.objects.count() == 3
    fakes.BROKEN_USERS.clear()
    ids = [str(pk) for pk in DeadLetter.objects.filter(user_id__gt=0).values_list("pk", flat=True)]
    response = client.post(reverse("admin:cadre_sync_deadletter_changelist"),
                           {"action": "replay_selected", "_selected_action": ids})
    assert response.status_code == 302
    assert DeadLetter.objects.count() == 1
    assert client.get(reverse("admin:cadre_sync_outboxrecord_changelist")).status_code == 200


def test_nobody_can_delete_a_dead_letter_in_the_admin(dead, client):
    admin = get_user_model().objects.create_superuser("ops", "ops@example.org", "pw")
    client.force_login(admin)
    row = DeadLetter.objects.first()
    assert client.get(reverse("admin:cadre_sync_deadletter_delete", args=[row.pk])).status_code == 403


def test_the_dead_letter_pages_speak_chinese(dead, client):
    from django.utils import translation

    admin = get_user_model().objects.create_superuser("ops", "ops@example.org", "pw")
    client.force_login(admin)
    with translation.override("zh-hans"):
        page = client.get(reverse("admin:cadre_sync_deadletter_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "重新投递所选死信" in page.content.decode()
