"""Annual quotas by rank, required minimums and shares, pro-rating and caps, per pack."""
from decimal import Decimal

import pytest

from cadre_policy_plugin.rules import apply_overlay, load_pack

from .helpers import entry, req, status

D = Decimal
ANHUI_SHARE_OVERLAY = {
    "extends": "anhui-2019",
    "key": "anhui-2019+test-unit",
    "title": {"zh-Hans": "测试单位实施细则", "en": "Test unit rules"},
    "document": {"title": "测试单位干部网络培训实施细则"},
    "quotas": {"all_learners": {"required_share": {"value": "0.5", "cite": "细则第三条 必修学时不少于50%"}}},
}


@pytest.mark.parametrize(
    "policy, rank, total, required",
    [
        ("fujian-2017", "bureau", "50", "25"),
        ("fujian-2017", "county", "50", "25"),
        ("fujian-2017", "section", "80", "25"),
        ("fujian-2017", "staff", "80", "25"),
        ("fujian-2017", "other", "80", "25"),
        ("loudi", "bureau", "40", "24"),
        ("loudi", "staff", "40", "24"),
        ("anhui-2019", "county", "50", None),
        ("anhui-2019", "other", "50", None),
        ("nei-mongol-2016", "bureau", "110", None),
        ("nei-mongol-2016", "county", "110", None),
        ("nei-mongol-2016", "section", "90", None),
        ("nei-mongol-2016", "staff", "90", None),
    ],
)
def test_quota_depends_on_rank(policy, rank, total, required):
    st = status(policy, rank=rank)
    assert req(st, "total").needed == D(total)
    if required is None:
        assert st.requirement("required") is None
    else:
        assert req(st, "required").needed == D(required)


def test_loudi_year_is_met_with_40_credits_of_which_24_required():
    entries = [entry(id="r", minutes=str(24 * 45), category="required"),
               entry(id="e", minutes=str(30 * 45), category="elective"),
               entry(id="x", source="exam_bonus", credits="1")]
    st = status("loudi", entries)
    assert (req(st, "total").earned, req(st, "required").earned) == (D("40"), D("24"))
    assert st.met


def test_loudi_total_without_enough_required_is_not_met():
    st = status("loudi", [entry(id="e", minutes=str(100 * 45), category="elective")])
    assert req(st, "total").met and not req(st, "required").met
    assert not st.met
    assert req(st, "required").shortfall == D("24")


def test_fujian_section_needs_80_hours_with_25_required():
    entries = [entry(id="r", hours="25", category="required"), entry(id="e", hours="54.99", category="elective")]
    st = status("fujian-2017", entries, rank="section")
    assert req(st, "required").met and not req(st, "total").met
    assert req(st, "total").shortfall == D("0.01")


@pytest.mark.parametrize(
    "registered_on, total, required",
    [
        ("2026-03-01", "41.7", "20.8"),  # 295 of 354 days: 41.666.. -> 41.7, 20.83.. -> 20.8
        ("2026-01-01", "50", "25"),  # registered on the first day: no reduction
        ("2025-06-01", "50", "25"),  # registered in an earlier year: no reduction
        ("2026-12-20", "0.1", "0.1"),  # one day of 354: 0.141 -> 0.1, 0.0706 -> 0.1
        ("2026-12-21", "0", "0"),  # registered in the statistics period: nothing due this year
        ("2026-07-01", "24.4", "12.2"),  # 173/354 * 50 = 24.435 -> 24.4; * 25 = 12.217 -> 12.2
    ],
)
def test_fujian_prorates_both_quotas_in_the_registration_year(registered_on, total, required):
    st = status("fujian-2017", rank="county", registered_on=registered_on)
    assert (req(st, "total").needed, req(st, "required").needed) == (D(total), D(required))


def test_fujian_prorating_rounds_half_up_to_one_decimal():
    # Leap year 2028: 1 Jan - 20 Dec is 355 days; registered 2028-06-03 leaves 201 days.
    # 80 * 201 / 355 = 45.2957.. -> 45.3 ; 25 * 201/355 = 14.154.. -> 14.2
    st = status("fujian-2017", rank="section", year=2028, registered_on="2028-06-03")
    assert (req(st, "total").needed, req(st, "required").needed) == (D("45.3"), D("14.2"))


def test_fujian_entries_before_registration_do_not_count():
    entries = [entry(id="before", on="2026-02-28", hours="3", category="required"),
               entry(id="same-day", on="2026-03-01", hours="3", category="required")]
    st = status("fujian-2017", entries, registered_on="2026-03-01")
    assert [(e.id, e.counted, e.reason) for e in st.entries] == [
        ("before", False, "before_registration"), ("same-day", True, None)]


def test_registration_date_matters_only_where_a_pack_says_so():
    st = status("loudi", [entry(on="2026-02-01", minutes="45", category="required")], registered_on="2026-03-01")
    assert st.entries[0].counted
    assert req(st, "total").needed == D("40")


def test_anhui_required_course_counts_only_with_its_exam_passed():
    entries = [entry(id="passed", hours="2", category="required", exam_passed=True),
               entry(id="failed", hours="2", category="required", exam_passed=False),
               entry(id="unknown", hours="2", category="required"),
               entry(id="elective", hours="2", category="elective")]
    st = status("anhui-2019", entries)
    assert [(e.id, e.counted, e.reason) for e in st.entries] == [
        ("passed", True, None), ("failed", False, "exam_not_passed"), ("unknown", False, "exam_not_passed"),
        ("elective", True, None)]


def test_anhui_special_classes_and_teaching_earn_elective_hours():
    entries = [entry(id="s", source="special_course", hours="3", category="required"),
               entry(id="t", source="lecturing", minutes="90")]
    st = status("anhui-2019", entries)
    assert [(e.category, e.hours) for e in st.entries] == [("elective", D("3")), ("elective", D("2"))]


def test_anhui_required_share_is_set_by_an_overlay_not_by_the_pack():
    pack = apply_overlay(load_pack("anhui-2019"), ANHUI_SHARE_OVERLAY, origin="test-unit.yaml")
    st = status(None, [entry(hours="20", category="required", exam_passed=True)], pack=pack)
    assert st.policy == "anhui-2019+test-unit"
    assert req(st, "required").needed == D("25")
    assert req(st, "required").earned == D("20")
    assert not st.met


def test_anhui_required_share_is_a_share_of_the_quota_not_of_the_hours_earned():
    """ADR 0003: 80 hours earned with a 50 % share still need 25 required hours, not 40."""
    pack = apply_overlay(load_pack("anhui-2019"), ANHUI_SHARE_OVERLAY, origin="test-unit.yaml")
    st = status(None, [entry(id="r", hours="25", category="required", exam_passed=True),
                       entry(id="e", hours="55", category="elective")], pack=pack)
    assert req(st, "total").earned == D("80")
    assert req(st, "required").needed == D("25")
    assert st.met


def test_nei_mongol_online_hours_over_50_count_as_50_for_county_level():
    entries = [entry(id="online", hours="60", category="elective"),
               entry(id="offline", source="offline_training", half_days="15")]  # 60 hours
    st = status("nei-mongol-2016", entries, rank="county")
    assert req(st, "online").earned == D("50")
    assert req(st, "total").earned == D("110")
    assert st.met
    assert st.entries[0].value == D("60")  # the entry's own worth; the cap acts on the total


def test_nei_mongol_county_level_needs_50_online_hours():
    entries = [entry(id="online", hours="40"), entry(id="offline", source="offline_training", half_days="20")]
    st = status("nei-mongol-2016", entries, rank="county")
    assert req(st, "total").met and not req(st, "online").met
    assert req(st, "online").shortfall == D("10")


def test_nei_mongol_other_cadres_need_90_hours_and_have_no_online_cap():
    st = status("nei-mongol-2016", [entry(hours="95")], rank="section")
    assert st.requirement("online") is None
    assert req(st, "total").earned == D("95") and st.met


@pytest.mark.parametrize(
    "half_days, absent, counted, hours",
    [
        ("3", "1", True, "11"),  # 12 scheduled, 1 absent <= 12/7
        ("3", "1.71", True, "10.29"),
        ("3", "1.72", False, None),  # 1.72 > 1.714..: withdrawn, no hours
        ("7", "4", True, "24"),  # exactly 1/7 of 28 is not *more* than 1/7
        ("7", "4.01", False, None),
        ("2", "0", True, "8"),
    ],
)
def test_nei_mongol_offline_training_absence_over_one_seventh_voids_it(half_days, absent, counted, hours):
    st = status("nei-mongol-2016", [entry(source="offline_training", half_days=half_days, absent_hours=absent)])
    result = st.entries[0]
    assert result.counted is counted
    if counted:
        assert result.hours == D(hours)
    else:
        assert result.reason == "absence_over_limit"


@pytest.mark.parametrize("characters, hours", [("999", "0"), ("1000", "4"), ("2500", "8"), ("2999", "8"), ("3000", "12")])
def test_nei_mongol_self_study_earns_4_hours_per_full_1000_characters(characters, hours):
    st = status("nei-mongol-2016", [entry(source="self_study", characters=characters)])
    assert st.entries[0].hours == D(hours)


@pytest.mark.parametrize("minutes, hours", [("44", "0"), ("45", "4"), ("89", "4"), ("90", "8"), ("135", "12")])
def test_nei_mongol_lecturing_earns_4_hours_per_full_45_minutes(minutes, hours):
    st = status("nei-mongol-2016", [entry(source="lecturing", minutes=minutes)])
    assert st.entries[0].hours == D(hours)


def test_nei_mongol_group_study_counts_actual_time():
    st = status("nei-mongol-2016", [entry(source="group_study", minutes="90"), entry(id="h", source="group_study",
                                                                                      half_days="1")])
    assert [e.hours for e in st.entries] == [D("2"), D("4")]


@pytest.mark.parametrize(
    "policy, source",
    [("loudi", "offline_training"), ("loudi", "self_study"), ("loudi", "lecturing"), ("fujian-2017", "exam_bonus"),
     ("fujian-2017", "group_study"), ("anhui-2019", "exam_bonus"), ("anhui-2019", "offline_training"),
     ("nei-mongol-2016", "exam_bonus")],
)
def test_sources_a_policy_does_not_recognise_are_excluded(policy, source):
    st = status(policy, [entry(source=source, hours="3")])
    assert (st.entries[0].counted, st.entries[0].reason) == (False, "source_not_counted")
    assert req(st, "total").earned == 0


def test_administrator_adjustment_may_be_negative_and_keeps_its_category():
    entries = [entry(id="c", hours="10", category="required"),
               entry(id="fix", source="adjustment", hours="-2.5", category="required")]
    st = status("fujian-2017", entries)
    assert req(st, "required").earned == D("7.5")


def test_an_overlay_can_add_a_per_source_minimum():
    overlay = {"extends": "loudi", "title": {"zh-Hans": "直播课要求", "en": "Live class minimum"},
               "document": {"title": "测试细则"},
               "quotas": {"all_learners": {"minimums": {"live": {"sources": ["live_class"], "value": "4",
                                                                  "cite": "细则第二条 每年参加直播课堂不少于4学分"}}}}}
    pack = apply_overlay(load_pack("loudi"), overlay, origin="live.yaml")
    st = status(None, [entry(source="live_class", minutes="135", category="required")], pack=pack)
    assert [r.key for r in st.requirements] == ["total", "required", "live"]
    assert (req(st, "live").earned, req(st, "live").shortfall) == (D("3"), D("1"))


def test_a_daily_cap_from_an_overlay_limits_each_day():
    overlay = {"extends": "fujian-2017", "title": {"zh-Hans": "每日上限", "en": "Daily cap"},
               "document": {"title": "测试细则"},
               "daily_caps": {"online_daily": {"sources": ["online_course"], "max": "4", "cite": "细则第五条 每日不超过4学时"}}}
    pack = apply_overlay(load_pack("fujian-2017"), overlay, origin="daily.yaml")
    entries = [entry(id="a", on="2026-05-01", hours="3", category="required"),
               entry(id="b", on="2026-05-01", hours="3", category="required"),
               entry(id="c", on="2026-05-02", hours="3", category="elective")]
    st = status(None, entries, pack=pack)
    assert req(st, "total").earned == D("7")
    assert req(st, "required").earned == D("4")
