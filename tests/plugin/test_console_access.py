"""
The console's gate: a ``UnitAdministrator`` row is the whole grant.

Open edX global staff (``is_staff``) without such a row is refused; an administrator
sees the units they administer and nothing beside them.
"""
import pytest
from django.urls import reverse

from cadre_policy_plugin.models import UnitAdministrator
from tests.plugin.factories import make_tree, make_user

pytestmark = pytest.mark.django_db

INDEX = "cadre_policy:console:index"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse(INDEX))
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_global_staff_without_a_unit_is_refused_with_a_translated_page(client):
    client.force_login(make_user(is_staff=True))
    response = client.get(reverse(INDEX), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "administers no unit" in response.content.decode()
    response = client.get(reverse(INDEX), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "管理" in response.content.decode()


def test_a_unit_administrator_without_staff_rights_sees_only_their_units(client):
    tree = make_tree()
    admin = make_user()  # no is_staff, no Django permission
    UnitAdministrator.objects.create(user=admin, node=tree["a"])
    client.force_login(admin)
    response = client.get(reverse(INDEX))
    assert response.status_code == 200
    body = response.content.decode()
    assert tree["a"].name in body
    assert tree["b"].name not in body
