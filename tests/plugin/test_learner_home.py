"""
The learner home: this year against each requirement with the required/elective split
and the calendar, the courses with what each is worth (filters, continue-learning),
and 我的证书 with every annual certificate.
"""
from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from cadre_policy_plugin import api
from cadre_policy_plugin.rules import load_pack
from cadre_policy_plugin.services.learner_home import calendar, percent
from tests.plugin import catalog_fixture
from tests.plugin.factories import make_profile, make_tree

LAW, DIGI, WRIT, PLAIN = (key for key, _name in catalog_fixture.COURSES)
CATALOG = {"COURSE_CATALOG": "tests.plugin.catalog_fixture.courses"}


@pytest.fixture
def learner(db):
    tree = make_tree()
    profile = make_profile(tree["a"], real_name="林演示")
    api.set_course_credit_spec(LAW, category="required", hours=Decimal("20"), topic="competence",
                               exam_required=True, lecturer="张教授")
    api.set_course_credit_spec(DIGI, category="elective", hours=Decimal("1.5"), topic="knowledge", lecturer="李老师")
    api.set_course_credit_spec(WRIT, category="elective", hours=Decimal("12"), topic="competence")
    api.register_credit_block(DIGI, "block-v1:Academy+DIGI+2027+type@cadre_credits+block@l1", 120)
    api.register_credit_block(DIGI, "block-v1:Academy+DIGI+2027+type@cadre_credits+block@l2", 61)
    catalog_fixture.ENROLMENTS[profile.user.username] = {
        DIGI: catalog_fixture.at("2027-03-10T09:00:00+08:00"), WRIT: catalog_fixture.at("2027-03-12T20:00:00+08:00"),
        LAW: None}
    yield profile.user
    catalog_fixture.ENROLMENTS.clear()


def award(user, key, on):
    return api.award_course_hours(user, key, evidence_type="certificate", evidence_ref=f"cert:{key}", earned_on=on)


@pytest.mark.now("2027-03-16T09:30:00+08:00")
@override_settings(CADRE_POLICY=CATALOG)
def test_home_shows_the_year_against_each_requirement_with_the_required_elective_split(learner):
    award(learner, LAW, date(2027, 3, 1))
    award(learner, WRIT, date(2027, 3, 2))
    home = api.learner_home(learner)
    progress = home["progress"]
    assert progress["year"] == 2027 and progress["unit"] == "hours" and progress["met"] is False
    total = next(r for r in progress["requirements"] if r["key"] == "total")
    assert total["needed"] == Decimal("50") and total["earned"] == Decimal("32")
    assert total["shortfall"] == Decimal("18") and total["percent"] == 64
    assert progress["required_earned"] == Decimal("20") and progress["elective_earned"] == Decimal("12")


@pytest.mark.now("2027-03-16T09:30:00+08:00")
@override_settings(CADRE_POLICY=CATALOG)
def test_home_lists_cadre_courses_only_with_category_hours_topic_lecturer_duration_and_state(learner):
    award(learner, DIGI, date(2027, 3, 10))
    rows = {row["course_key"]: row for row in api.learner_home(learner)["courses"]}
    assert set(rows) == {LAW, DIGI, WRIT}  # the course without a credit spec is not listed
    digi = rows[DIGI]
    assert (digi["category"], digi["hours"], digi["topic"], digi["lecturer"]) == (
        "elective", Decimal("1.5"), "knowledge", "李老师")
    assert digi["duration_seconds"] == 181 and digi["duration_minutes"] == 4
    assert digi["state"] == "completed" and rows[WRIT]["state"] == "in_progress"
    assert rows[LAW]["exam_required"] is True


@pytest.mark.now("2027-03-16T09:30:00+08:00")
@override_settings(CADRE_POLICY=CATALOG)
@pytest.mark.parametrize(("filters", "expected"), [
    ({"category": "required"}, {LAW}),
    ({"category": "elective"}, {DIGI, WRIT}),
    ({"topic": "competence"}, {LAW, WRIT}),
    ({"topic": "competence", "category": "elective"}, {WRIT}),
    ({"state": "in_progress"}, {LAW, DIGI, WRIT}),
    ({"topic": "party_spirit"}, set()),
])
def test_course_filters_combine(learner, filters, expected):
    assert {row["course_key"] for row in api.learner_home(learner, **filters)["courses"]} == expected


@pytest.mark.now("2027-03-16T09:30:00+08:00")
@override_settings(CADRE_POLICY=CATALOG)
def test_continue_learning_puts_the_latest_studied_unfinished_course_first(learner):
    award(learner, WRIT, date(2027, 3, 12))  # the latest studied, but completed
    keys = [row["course_key"] for row in api.learner_home(learner)["continue"]]
    assert keys == [DIGI, LAW]  # never studied (no activity) last


@pytest.mark.parametrize(("today", "kind", "year", "days_left", "makeup_days_left"), [
    (date(2027, 3, 16), "year", 2027, 230, 260),    # 16 Mar to 31 Oct, make-up to 30 Nov
    (date(2027, 10, 31), "year", 2027, 1, 31),
    (date(2027, 11, 1), "makeup", 2027, 30, 30),
    (date(2027, 11, 30), "makeup", 2027, 1, 1),
    (date(2027, 12, 5), "gap", None, 27, None),     # Anhui's December: no academic year
])
def test_anhui_calendar_counts_the_days_left_in_the_year_and_the_make_up_month(
        today, kind, year, days_left, makeup_days_left):
    result = calendar(load_pack("anhui-2019"), today)
    assert (result["kind"], result["counts_for"], result["days_left"], result["makeup_days_left"]) == (
        kind, year, days_left, makeup_days_left)
    if kind == "gap":
        assert result["next_year_starts"] == date(2028, 1, 1)


@pytest.mark.parametrize(("today", "kind", "counts_for", "days_left"), [
    (date(2027, 12, 20), "year", 2027, 1),
    (date(2027, 12, 21), "statistics", None, 11),
    (date(2028, 2, 29), "year", 2028, 296),  # a leap day: 29 Feb to 20 Dec 2028
])
def test_fujian_calendar_ends_on_20_december_and_shows_the_statistics_period(today, kind, counts_for, days_left):
    result = calendar(load_pack("fujian-2017"), today)
    assert (result["kind"], result["counts_for"], result["days_left"]) == (kind, counts_for, days_left)
    assert result["statistics"] == (date(today.year, 12, 21), date(today.year, 12, 31))


@pytest.mark.parametrize(("earned", "needed", "expected"), [
    ("0", "50", 0), ("49.99", "50", 99), ("50", "50", 100), ("62", "50", 100), ("3", "0", 100), ("1", None, 100),
])
def test_percent_is_whole_and_never_above_100(earned, needed, expected):
    assert percent(Decimal(earned), None if needed is None else Decimal(needed)) == expected


@pytest.mark.now("2027-03-16T09:30:00+08:00")
@override_settings(CADRE_POLICY=CATALOG)
def test_home_page_renders_in_chinese_with_labelled_progress_and_filters(client, learner):
    award(learner, LAW, date(2027, 3, 1))
    client.force_login(learner)
    response = client.get(reverse("cadre_policy:learner-home"), {"category": "elective"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "我的学习" in body and "2027" in body and "李老师" in body
    assert "依法行政专题" not in body.split('data-testid="home-courses"')[1]  # filtered out
    assert 'aria-labelledby="cadre-req-total"' in body and '<label for="cadre-filter-topic">' in body
    assert 'data-testid="calendar-notice" data-kind="year"' in body and "230" in body  # days left on 16 March
    assert "依据《安徽省干部网络培训管理办法（2019）》" in body  # the policy named by its document


@pytest.mark.now("2027-03-16T09:30:00+08:00")
def test_home_page_asks_for_sign_in_and_explains_a_missing_profile(client, django_user_model):
    url = reverse("cadre_policy:learner-home")
    assert client.get(url).status_code == 302
    client.force_login(django_user_model.objects.create_user("visitor"))
    assert "实名" in client.get(url).content.decode()


@pytest.mark.now("2027-03-16T09:30:00+08:00")
def test_my_certificates_lists_every_year_with_code_download_and_verify_links(client, learner):
    from tests.plugin.test_annual_certificate import meet_year

    cert_2025 = meet_year(learner, 2025, prefix="A")
    cert_2026 = meet_year(learner, 2026, prefix="B")
    client.force_login(learner)
    body = client.get(reverse("cadre_policy:my-certificates")).content.decode()
    assert body.index('data-year="2026"') < body.index('data-year="2025"')
    for cert in (cert_2025, cert_2026):
        assert cert.verification_code in body
        assert reverse("cadre_policy:certificate-pdf", args=[cert.serial]) + "?download=1" in body
    response = client.get(reverse("cadre_policy:certificate-pdf", args=[cert_2026.serial]), {"download": "1"})
    assert response["Content-Disposition"] == f'attachment; filename="{cert_2026.serial}.pdf"'
