"""Which pack applies: nearest up the tree, overlays top-down, and the cache follows changes."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cadre_policy_plugin import api
from cadre_policy_plugin.models import YearStatus
from cadre_policy_plugin.policy import pack_for_node
from tests.plugin.factories import make_profile, make_tree

pytestmark = pytest.mark.django_db

OVERLAY_60 = """
extends: anhui-2019
title: {zh-Hans: 肥西县实施细则, en: Feixi county implementing rules}
document: {title: 肥西县干部网络培训实施细则}
quotas:
  all_learners:
    total: {value: "60", cite: "肥西县实施细则 第三条 每年不少于60学时"}
"""


def test_nearest_pack_up_the_tree_and_overlays_apply():
    tree = make_tree()
    assert pack_for_node(tree["a"]).key == "anhui-2019"
    county = tree["county"]
    county.overlay = OVERLAY_60
    county.full_clean()
    county.save()
    pack = pack_for_node(tree["a"])
    assert pack.quota_for("county").total == Decimal("60")
    assert pack.key == "anhui-2019+ah-hf-sx"  # the overlay's node names the refined pack
    city = tree["city"]
    city.policy_key = "loudi"
    with pytest.raises(ValidationError) as exc:  # the county's overlay extends anhui-2019, not loudi
        city.full_clean()
    assert "policy_key" in exc.value.message_dict


def test_bad_overlay_is_refused_with_the_field():
    tree = make_tree()
    unit = tree["a"]
    unit.overlay = "extends: anhui-2019\nquotas: [1, 2"
    with pytest.raises(ValidationError) as exc:
        unit.full_clean()
    assert exc.value.error_dict["overlay"][0].code == "overlay_syntax"
    unit.overlay = "extends: anhui-2019\ntitle: x\ndocument: {title: y}\nquotas: {all_learners: {total: {value: '60'}}}"
    with pytest.raises(ValidationError) as exc:
        unit.full_clean()
    assert "overlay" in exc.value.message_dict


def test_unknown_policy_key_is_refused():
    tree = make_tree()
    unit = tree["a"]
    unit.policy_key = "atlantis"
    with pytest.raises(ValidationError) as exc:
        unit.full_clean()
    assert "policy_key" in exc.value.message_dict


def test_policy_and_rank_changes_recompute_the_cached_year(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("cadre_policy_plugin.services.evaluation.current_year", lambda: 2026)
    tree = make_tree()
    learner = make_profile(tree["a"], rank="county")
    key = "course-v1:AnhuiAcademy+C1+2026"
    api.set_course_credit_spec(key, category="elective", hours=Decimal("10"))
    api.award_course_hours(learner.user, key, evidence_type="certificate", evidence_ref=key, earned_on=date(2026, 4, 1))
    assert YearStatus.objects.get(user=learner.user, year=2026).total_needed == Decimal("50")
    county = tree["county"]
    county.overlay = OVERLAY_60
    with django_capture_on_commit_callbacks(execute=True):
        county.save()  # queues a close job when the change commits (eager Celery runs it)
    assert YearStatus.objects.get(user=learner.user, year=2026).total_needed == Decimal("60")
    # moving the unit under a Fujian region changes both the pack and, by rank, the quota
    fujian = type(county).objects.create(code="FJ", name="福建省", kind="province", policy_key="fujian-2017")
    unit = tree["a"]
    unit.parent = fujian
    with django_capture_on_commit_callbacks(execute=True):
        unit.save()
    row = YearStatus.objects.get(user=learner.user, year=2026)
    assert row.policy_key == "fujian-2017" and row.total_needed == Decimal("50")
    learner.rank = "staff"
    learner.save()
    assert YearStatus.objects.get(user=learner.user, year=2026).total_needed == Decimal("80")


def test_a_region_key_picks_the_version_in_force_for_the_year(monkeypatch):
    import copy

    from cadre_policy_plugin import rules
    from cadre_policy_plugin.policy import _build_pack
    from cadre_policy_plugin.rules import pack as pack_module

    old = copy.deepcopy(rules.load_pack("fujian-2017").data)
    old["effective"]["until"] = "2027-12-31"
    new = copy.deepcopy(old)
    new.update(key="fujian-2028", effective={"from": "2028-01-01", "until": None, "cite": "假设的2028年通知"})
    new["quotas"]["division_and_above"]["total"]["value"] = "60"
    registry = rules.PackRegistry([rules.Pack(old, "old"), rules.Pack(new, "new")])
    monkeypatch.setattr(pack_module, "default_registry", lambda: registry)
    _build_pack.cache_clear()
    try:
        tree = make_tree()
        province = tree["a"].ancestors(include_self=False)[0]
        province.policy_key = "fujian"
        province.save()
        assert pack_for_node(tree["a"], 2027).key == "fujian-2017"
        assert pack_for_node(tree["a"], 2028).key == "fujian-2028"
        assert pack_for_node(tree["a"], 2015).key == "fujian-2028"  # no version in force: the newest
    finally:
        _build_pack.cache_clear()
