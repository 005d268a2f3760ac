"""Policy packs: schema validation, citations, overlays, effective date ranges."""
import copy
from decimal import Decimal

import pytest
import yaml

from cadre_policy_plugin.rules import Pack, PackError, PackRegistry, apply_overlay, available_packs, load_pack
from cadre_policy_plugin.rules.pack import schema_problems

KEYS = ["anhui-2019", "fujian-2017", "loudi", "nei-mongol-2016"]


def test_the_four_regional_packs_are_bundled():
    assert sorted(pack.key for pack in available_packs()) == KEYS


@pytest.mark.parametrize("key", KEYS)
def test_every_rule_in_a_pack_cites_its_article(key):
    pack = load_pack(key)
    data = pack.data
    for name, rule in data["sources"].items():
        assert rule["cite"].strip(), name
    for group in data["quotas"].values():
        for name, rule in group.items():
            if name == "minimums":
                assert all(minimum["cite"].strip() for minimum in rule.values())
            elif name != "ranks":
                assert rule["cite"].strip()
    cites = dict(pack.citations())
    for location in ("unit", "academic_year", "hour_minutes", "annual_certificate"):
        assert cites[location].strip()


def test_only_anhui_grants_the_annual_certificate():
    assert [pack.key for pack in available_packs() if pack.grants_annual_certificate] == ["anhui-2019"]


def test_a_broken_pack_reports_every_error_with_its_location():
    data = copy.deepcopy(load_pack("loudi").data)
    data["unit"]["value"] = "points"
    del data["sources"]["online_course"]["cite"]
    data["academic_year"]["end"] = "13-40"
    problems = schema_problems(data)
    locations = [location for location, _ in problems]
    assert "unit.value" in locations
    assert "sources.online_course" in locations
    assert "academic_year.end" in locations
    with pytest.raises(PackError) as caught:
        Pack(data, origin="broken.yaml")
    assert len(caught.value.problems) == len(problems)


def test_a_pack_must_give_every_rank_exactly_one_quota():
    data = copy.deepcopy(load_pack("fujian-2017").data)
    data["quotas"]["section_and_below"]["ranks"] = ["section", "staff", "county"]
    problems = dict(schema_problems(data))
    assert "already in quota group" in problems["quotas.section_and_below.ranks"]
    assert "other" in problems["quotas"]


def test_an_overlay_refines_without_copying_and_must_cite_what_it_sets():
    overlay = {"extends": "anhui-2019", "title": {"zh-Hans": "细则", "en": "Rules"}, "document": {"title": "细则"},
               "quotas": {"all_learners": {"required_share": {"value": "0.4"}}}}
    with pytest.raises(PackError) as caught:
        apply_overlay(load_pack("anhui-2019"), overlay)
    assert caught.value.location == "quotas.all_learners.required_share"
    overlay["quotas"]["all_learners"]["required_share"]["cite"] = "细则第2条"
    refined = apply_overlay(load_pack("anhui-2019"), overlay, origin="unit.yaml")
    assert refined.quota_for("county").required_share == Decimal("0.4")
    assert refined.quota_for("county").total == 50  # inherited, not copied
    assert load_pack("anhui-2019").quota_for("county").required_share is None  # base untouched


def test_an_overlay_for_another_pack_is_refused():
    overlay = {"extends": "loudi", "title": {"zh-Hans": "x", "en": "x"}, "document": {"title": "x"}}
    with pytest.raises(PackError, match="extends"):
        apply_overlay(load_pack("anhui-2019"), overlay)


def test_an_overlay_that_breaks_the_schema_is_refused():
    overlay = {"extends": "loudi", "title": {"zh-Hans": "x", "en": "x"}, "document": {"title": "x"},
               "quotas": {"all_learners": {"total": {"value": "forty", "cite": "x"}}}}
    with pytest.raises(PackError) as caught:
        apply_overlay(load_pack("loudi"), overlay)
    assert caught.value.location == "quotas.all_learners.total.value"


def test_policies_in_force_are_chosen_by_year():
    with pytest.raises(PackError, match="not in force in 2018"):
        load_pack("anhui-2019", 2018)
    assert load_pack("anhui", 2026).key == "anhui-2019"
    with pytest.raises(PackError, match="no policy of region"):
        load_pack("anhui", 2015)


def test_a_later_policy_replaces_an_earlier_one_for_later_years():
    old = copy.deepcopy(load_pack("fujian-2017").data)
    old["effective"]["until"] = "2027-12-31"
    new = copy.deepcopy(load_pack("fujian-2017").data)
    new["key"] = "fujian-2028"
    new["effective"]["from"] = "2028-01-01"
    new["quotas"]["division_and_above"]["total"]["value"] = "60"
    registry = PackRegistry([Pack(old, "old"), Pack(new, "new")])
    assert load_pack("fujian", 2027, registry).key == "fujian-2017"
    assert load_pack("fujian", 2028, registry).key == "fujian-2028"
    assert load_pack("fujian", 2028, registry).quota_for("county").total == 60


def test_unknown_policy_names_the_known_ones():
    with pytest.raises(PackError, match="known policies: anhui-2019, fujian-2017, loudi, nei-mongol-2016"):
        load_pack("hebei")


def test_a_pack_file_can_be_loaded_from_disk(tmp_path):
    data = copy.deepcopy(load_pack("loudi").data)
    data["key"] = "loudi-copy"
    path = tmp_path / "loudi-copy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_pack(str(path)).key == "loudi-copy"
