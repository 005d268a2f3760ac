"""
The learner always knows where today stands in their academic calendar, in their language,
with local dates: on the course list, the lecture and the training file.
"""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from django.utils import translation

from cadre_policy_plugin import api
from cadre_policy_plugin.certificate_pdf import render_certificate
from cadre_policy_plugin.models import AnnualCertificate
from cadre_policy_plugin.rules.vocabulary import EXCLUSION_REASONS
from cadre_policy_plugin.services.reasons import SENTENCES, reason_text
from tests.plugin.factories import make_admin, make_profile, make_tree

pytestmark = pytest.mark.django_db


def learner(policy_key):
    return make_profile(make_tree(policy_key)["a"]).user


@pytest.mark.parametrize(
    "policy, moment, kind, counts_for, zh_words, en_words",
    [
        ("anhui-2019", "2027-06-15T10:00", "year", 2027, ["2027学年", "2027年10月31日"],
         ["academic year 2027", "Oct. 31, 2027"]),
        ("anhui-2019", "2027-11-10T10:00", "makeup", 2027, ["补学补考期", "2027年11月30日"], ["Make-up period"]),
        ("anhui-2019", "2026-12-02T09:00", "gap", None, ["不计入任何学年", "2027学年于2027年1月1日开始"],
         ["count for no year", "Jan. 1, 2027"]),
        ("fujian-2017", "2027-12-24T15:00", "statistics", None, ["年度统计期", "2027年12月31日"],
         ["Statistics period", "count for no academic year"]),
        # 31 Dec, late evening in Shanghai: still the 31st in UTC and locally.
        ("anhui-2019", "2027-12-31T23:30", "gap", None, ["2028学年于2028年1月1日开始"], ["Jan. 1, 2028"]),
        ("anhui-2019", "2027-10-31T23:30", "year", 2027, ["剩余1天"], ["1 day left"]),
        ("fujian-2017", "2027-12-31T23:30", "statistics", None, ["2028学年于2028年1月1日开始"], ["Jan. 1, 2028"]),
        # 1 Jan 00:30 in Shanghai is still 31 Dec in UTC: the local date decides, the year is open.
        ("anhui-2019", "2028-01-01T00:30", "year", 2028, ["2028学年"], ["academic year 2028"]),
        ("loudi", "2028-02-29T12:00", "year", 2028, ["2028学年", "2028年12月31日"], ["academic year 2028"]),
    ],
)
def test_the_learner_is_told_which_year_todays_hours_count_for(clock, policy, moment, kind, counts_for,
                                                                zh_words, en_words):
    clock.move_to(moment)
    user = learner(policy)
    with translation.override("zh-hans"):
        notice = api.learner_calendar(user)
    assert (notice["kind"], notice["counts_for"], notice["counts"]) == (kind, counts_for, counts_for is not None)
    assert notice["level"] == ("info" if counts_for else "warning")
    text = notice["headline"] + notice["detail"]
    for word in zh_words:
        assert word in text, text
    assert "《" not in notice["policy"]["name"] and notice["policy"]["name"].startswith(
        {"anhui-2019": "安徽省", "fujian-2017": "福建省", "loudi": "娄底", "nei-mongol-2016": "内蒙古"}[policy])
    with translation.override("en"):
        notice = api.learner_calendar(user)
    text = notice["headline"] + " " + notice["detail"]
    for word in en_words:
        assert word in text, text


def test_no_profile_or_no_policy_means_no_notice():
    from tests.plugin.factories import make_user

    assert api.learner_calendar(make_user()) is None


def test_every_reason_code_of_the_engine_reads_as_a_sentence_in_both_languages():
    assert set(EXCLUSION_REASONS) <= set(SENTENCES)
    for code in EXCLUSION_REASONS:
        with translation.override("en"):
            english = reason_text(code)
        with translation.override("zh-hans"):
            chinese = reason_text(code)
        assert english != code and chinese != english and len(english.split()) > 4


@pytest.mark.now("2026-12-05T10:00:00+08:00")
def test_the_training_file_explains_a_december_entry_and_names_the_pack(client):
    tree = make_tree("anhui-2019")
    profile = make_profile(tree["a"])
    admin = make_admin(tree["a"])
    api.add_entry(profile.user, source="live_class", category="elective", minutes=Decimal("90"), entered_by=admin,
                  reason="直播课堂", earned_on=date(2026, 12, 5))
    with translation.override("zh-hans"):
        learner_file = api.learner_file(profile.user, 2026)
    (entry,) = learner_file["entries"]
    assert entry["excluded_reason"] == "outside_academic_year"
    assert "不计入任何学年" in entry["excluded_reason_text"]
    assert learner_file["policy_name"] == "安徽省干部网络培训管理办法（2019）"
    assert learner_file["calendar"]["kind"] == "gap"

    client.force_login(profile.user)
    body = client.get(reverse("cadre_policy:api-my-file") + "?year=2026", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["entries"][0]["excluded_reason"] == "outside_academic_year"
    assert "counts for no year" in body["entries"][0]["excluded_reason_text"]
    assert body["calendar"]["level"] == "warning"


def test_the_certificate_prints_the_local_issue_date(clock):
    # 20:30 UTC on 1 December is 04:30 on 2 December in Shanghai.
    clock.move_to(datetime(2026, 12, 1, 20, 30, tzinfo=ZoneInfo("UTC")))
    profile = make_profile(make_tree("anhui-2019")["a"], real_name="李四")
    for index in range(3):
        key = f"course-v1:AnhuiAcademy+D{index}+2026"
        api.set_course_credit_spec(key, category="required", hours=Decimal("17.5"))
        api.award_course_hours(profile.user, key, evidence_type="certificate", evidence_ref=key,
                               earned_on=date(2026, 4, 1))
    cert = AnnualCertificate.objects.get(user=profile.user, year=2026)
    text = pdfium.PdfDocument(render_certificate(cert))[0].get_textpage().get_text_range()
    assert "2026-12-02" in text and "2026-12-01" not in text
