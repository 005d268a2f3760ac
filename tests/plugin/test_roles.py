"""
Roles (ADR 0015): a ``UnitAdministrator`` row is the whole grant of a unit
administrator, 联络员 read only; academy staff is a permission, never ``is_staff``.
"""
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from cadre_policy_plugin import api
from cadre_policy_plugin.models import AuditLog, LearnerStatus
from cadre_policy_plugin.services import roles, scope
from tests.plugin.factories import make_academy_staff, make_admin, make_profile, make_tree, make_user

pytestmark = pytest.mark.django_db


OVERLAY = """\
extends: anhui-2019
title: {zh-Hans: 合肥市实施细则, en: Hefei implementing rules}
document: {title: 合肥市干部网络培训实施细则}
quotas:
  all_learners:
    total: {value: "60", cite: "合肥市实施细则 第三条"}
"""


@pytest.fixture
def tree():
    return make_tree()


def test_migration_creates_the_academy_group_with_the_permission():
    group = Group.objects.get(name=api.ACADEMY_GROUP)
    assert [f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()] == [api.ACADEMY_PERMISSION]


def test_academy_staff_is_the_permission_not_is_staff(tree):
    assert not api.is_academy_staff(make_user(is_staff=True))
    academy = make_academy_staff()
    assert api.is_academy_staff(academy) and not academy.is_staff
    assert scope.administered_nodes(academy) is None  # every node
    assert api.is_academy_staff(make_user(is_superuser=True, is_staff=True))
    inactive = make_academy_staff(is_active=False)
    assert not api.is_academy_staff(inactive)


@pytest.mark.parametrize(("role", "reads", "changes"), [("admin", True, True), ("liaison", True, False)])
def test_the_row_is_the_whole_grant_and_a_liaison_only_reads(tree, role, reads, changes):
    user = make_admin(tree["county"], role=role)
    learner = make_profile(tree["a"]).user
    outsider = make_profile(make_tree_sibling()).user
    assert not user.is_staff and not user.user_permissions.exists() and not user.groups.exists()
    assert (api.can_view_learner(user, learner), api.can_manage_learner(user, learner)) == (reads, changes)
    assert (api.can_view_unit(user, "AH-HF-SX-A"), api.can_manage_unit(user, "AH-HF-SX-A")) == (reads, changes)
    assert not api.can_view_learner(user, outsider) and not api.can_manage_learner(user, outsider)
    assert not api.can_view_unit(user, "AH-HF")  # the node above is not theirs
    assert api.administrator_roles(user) == [api.AdministratorRoleData("AH-HF-SX", "肥西县", role)]


def make_tree_sibling():
    from cadre_policy_plugin.models import OrgNode

    return OrgNode.objects.create(code="FJ", name="福建省", kind="province", policy_key="fujian-2017")


def test_a_liaison_cannot_add_or_revoke_entries(tree):
    liaison = make_admin(tree["a"], role="liaison")
    learner = make_profile(tree["a"]).user
    with pytest.raises(PermissionDenied):
        api.add_entry(learner, source="lecturing", category="elective", minutes=Decimal("90"),
                      entered_by=liaison, reason="授课", earned_on=date(2027, 3, 1))
    entry = api.add_entry(learner, source="lecturing", category="elective", minutes=Decimal("90"),
                          entered_by=make_admin(tree["a"]), reason="授课", earned_on=date(2027, 3, 1))
    with pytest.raises(PermissionDenied):
        api.revoke_entry(entry.uuid, by=liaison, reason="错误")


def test_the_strongest_role_on_the_node_or_above_applies(tree):
    user = make_admin(tree["a"], role="liaison")
    api_admin_row = roles.UnitAdministrator.objects.create(user=user, node=tree["county"], role="admin")
    assert roles.role_on_node(user, tree["a"]) == "admin"
    api_admin_row.delete()
    assert roles.role_on_node(user, tree["a"]) == "liaison"
    assert roles.role_on_node(user, tree["b"]) is None


@pytest.mark.parametrize("kind", ["superuser", "staff", "academy", "other_region_admin"])
def test_a_leaving_profile_never_deactivates_a_protected_account(tree, kind):
    account = {
        "superuser": lambda: make_user(is_superuser=True, is_staff=True),
        "staff": lambda: make_user(is_staff=True),
        "academy": make_academy_staff,
        "other_region_admin": lambda: make_admin(make_tree_sibling()),
    }[kind]()
    profile = make_profile(tree["a"], user=account)
    profile.status = LearnerStatus.RETIRED
    profile.save()
    account.refresh_from_db()
    assert account.is_active


def test_a_leaving_learner_account_is_still_deactivated(tree):
    profile = make_profile(tree["a"])
    profile.status = LearnerStatus.RETIRED
    profile.save()
    profile.user.refresh_from_db()
    assert not profile.user.is_active


def test_node_policy_is_set_by_academy_staff_only_and_audited_before_after(tree):
    overlay = OVERLAY
    with pytest.raises(PermissionDenied):
        api.set_node_policy("AH-HF", by=make_admin(tree["city"]), overlay=overlay)
    with pytest.raises(PermissionDenied):
        api.set_node_policy("AH-HF", by=make_user(is_staff=True), overlay=overlay)
    academy = make_academy_staff()
    api.set_node_policy("AH-HF", by=academy, overlay=overlay, reason="市委组织部文件")
    row = AuditLog.objects.get(action="org_node.policy")
    assert row.actor == academy and row.reason == "市委组织部文件"
    assert row.detail["overlay"] == {"before": "", "after": overlay}
    assert "policy_key" not in row.detail


@pytest.mark.parametrize("value", ["/etc/shadow", "/etc/passwd.yaml", "../policies/anhui-2019.yaml", "nonexistent"])
def test_policy_key_accepts_installed_packs_only(tree, value):
    with pytest.raises(ValidationError) as excinfo:
        api.set_node_policy("AH-HF", by=make_academy_staff(), policy_key=value)
    assert [error.code for error in excinfo.value.error_dict["policy_key"]] == ["policy_key_not_installed"]
    assert list(excinfo.value.error_dict) == ["policy_key"]
    assert "fujian-2017" in api.installed_policy_keys() and "anhui" in api.installed_policy_keys()


def test_person_label_masks_an_id_number_user_name(tree):
    number = "150102198005170018"
    assert api.person_label(make_user(number)) == "150***********0018"
    profile = make_profile(tree["a"], user=make_user("15010219800517003X"), real_name="其其格")
    assert api.person_label(profile.user) == "其其格 (150***********003X)"


def test_the_default_policy_key_must_be_installed_too(settings):
    from django.core import checks

    from cadre_policy_plugin.settings.common import DEFAULTS

    bundled = str(policy_file("anhui-2019.yaml"))
    for key, refused in ((bundled, True), ("anhui-2019", False), ("anhui", False)):
        settings.CADRE_POLICY = {**DEFAULTS, "ID_NUMBER_HASH_KEY": "x", "DEFAULT_POLICY_KEY": key}
        ids = {message.id for message in checks.run_checks()}
        assert ("cadre_policy.E003" in ids) is refused, key


def policy_file(name):
    from importlib import resources

    return resources.files("cadre_policy_plugin.policies") / name


def test_an_administrator_may_register_their_own_units_liaison_as_a_learner_never_another_regions(tree):
    county_admin = make_admin(tree["county"])
    own_liaison = make_admin(tree["a"], "liaison_a", role="liaison")
    other_region = make_admin(make_tree_sibling(), "admin_fj")
    open_to = roles.accounts_for_new_profile(county_admin)
    assert open_to.filter(pk=own_liaison.pk).exists()
    assert not open_to.filter(pk=other_region.pk).exists()
    assert not open_to.filter(pk=make_user(is_staff=True).pk).exists()
    assert not open_to.filter(pk=make_academy_staff().pk).exists()
    assert not roles.accounts_for_new_profile(make_admin(tree["a"], role="liaison")).exists()
    # and once a learner, leaving never switches the administrator's account off
    profile = make_profile(tree["a"], user=own_liaison)
    profile.status = LearnerStatus.RETIRED
    profile.save()
    own_liaison.refresh_from_db()
    assert own_liaison.is_active
