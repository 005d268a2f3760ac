"""
Small factories for the plugin tests (plain functions, no factory library needed).

``make_id_number`` builds valid GB 11643 numbers so every test learner is distinct and
no real person's number appears in the repository.
"""
import itertools
from datetime import date

from django.contrib.auth import get_user_model

from cadre_policy_plugin import identity
from cadre_policy_plugin.models import LearnerProfile, OrgNode, UnitAdministrator

_counter = itertools.count(1)


def make_id_number(serial=None, born=date(1980, 5, 17), region="340104"):
    """A valid ID number: region, birth date, 3-digit serial, check character."""
    serial = next(_counter) % 1000 if serial is None else serial
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first17 + identity.id_check_char(first17)


def make_user(username=None, **extra):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(username=username, password="pw", **extra)


def make_tree(policy_key="anhui-2019"):
    """province(anhui-2019) → city → county → units A and B (siblings)."""
    province = OrgNode.objects.create(code="AH", name="安徽省", kind="province", policy_key=policy_key)
    city = OrgNode.objects.create(code="AH-HF", name="合肥市", kind="city", parent=province)
    county = OrgNode.objects.create(code="AH-HF-SX", name="肥西县", kind="county", parent=city)
    unit_a = OrgNode.objects.create(code="AH-HF-SX-A", name="县财政局", kind="unit", parent=county)
    unit_b = OrgNode.objects.create(code="AH-HF-SX-B", name="县教育局", kind="unit", parent=county)
    return {"province": province, "city": city, "county": county, "a": unit_a, "b": unit_b}


def make_profile(unit, user=None, *, rank="county", approved=True, id_number=None, **extra):
    user = user or make_user()
    return LearnerProfile.objects.create(
        user=user, real_name=extra.pop("real_name", "张三"), id_number=id_number or make_id_number(),
        mobile=extra.pop("mobile", "13800138000"), rank=rank, unit=unit, approved=approved, **extra)


def make_admin(node, username=None, *, role="admin", **extra):
    """
    A unit administrator of ``node`` (and everything below it): a plain account with a
    ``UnitAdministrator`` row, no ``is_staff`` and no Django permission (ADR 0015).
    """
    user = make_user(username, **extra)
    UnitAdministrator.objects.create(user=user, node=node, role=role)
    return user


def make_academy_staff(username=None, **extra):
    """An account in the "cadre academy staff" group (migration 0006), not ``is_staff`` unless asked."""
    from django.contrib.auth.models import Group

    from cadre_policy_plugin.services.roles import ACADEMY_GROUP

    user = make_user(username, **extra)
    user.groups.add(Group.objects.get(name=ACADEMY_GROUP))
    return get_user_model().objects.get(pk=user.pk)  # fresh: no cached permissions
