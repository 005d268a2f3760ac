"""
Initial passwords and the forced first change (Fujian §2.1, Loudi Art. 8), resets
through the unit, self-registration with approval (Inner Mongolia 2018), leaving and
coming back (Anhui Art. 8); every change audited without the password (ADR 0016).
"""
import json

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from cadre_policy_plugin import api
from cadre_policy_plugin.checks import check_sign_in
from cadre_policy_plugin.models import AuditLog, LearnerProfile, LearnerStatus, UnitAdministrator
from cadre_policy_plugin.services import accounts, roster_import
from tests.plugin.factories import make_admin, make_id_number, make_profile, make_tree, make_user
from tests.plugin.import_files import csv_bytes

pytestmark = pytest.mark.django_db

CHANGE = "cadre_policy:account:password-change"
NEW_PASSWORD = "Wo-de-mima-2027"


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Empty sign-in counters; afterwards the host's language again (a request in English leaves it active)."""
    cache.clear()
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world():
    tree = make_tree()
    admin_a = make_user("admin_a")
    UnitAdministrator.objects.create(user=admin_a, node=tree["a"])
    admin_b = make_user("admin_b")
    UnitAdministrator.objects.create(user=admin_b, node=tree["b"])
    admin_county = make_user("admin_county")
    UnitAdministrator.objects.create(user=admin_county, node=tree["county"])
    learner = make_profile(tree["a"], mobile="13911112222")
    return {"tree": tree, "admin_a": admin_a, "admin_b": admin_b, "admin_county": admin_county, "learner": learner}


def audit_text():
    return json.dumps([[row.action, row.reason, row.detail] for row in AuditLog.objects.all()], ensure_ascii=False)


# ---------------------------------------------------------------- reset through the unit
def test_an_administrator_resets_a_learner_of_their_subtree_to_a_new_initial_password(world):
    profile = world["learner"]
    password = accounts.reset_password(world["admin_county"], profile.user, reason="忘记密码")
    assert len(password) == 12 and any(ch.isdigit() for ch in password) and any(ch.isalpha() for ch in password)
    assert authenticate(None, username=profile.id_number, password=password) == profile.user
    profile.refresh_from_db()
    assert profile.password_change_required
    row = AuditLog.objects.get(action="account.password_reset")
    assert row.actor == world["admin_county"] and row.learner == profile.user and row.reason == "忘记密码"
    assert password not in audit_text() and profile.id_number not in audit_text()
    assert accounts.reset_password(world["admin_a"], profile.user) != password  # random per reset


def test_a_reset_by_an_administrator_outside_the_learner_s_subtree_is_refused(world, client):
    profile = world["learner"]
    before = profile.user.password
    with pytest.raises(PermissionDenied):
        accounts.reset_password(world["admin_b"], profile.user)
    profile.user.refresh_from_db()
    assert profile.user.password == before
    assert not AuditLog.objects.filter(action="account.password_reset").exists()
    # the console: the sibling unit's administrator does not even see the learner
    client.force_login(world["admin_b"])
    url = reverse("cadre_policy:console:account", args=[profile.user_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "reset", "reason": "x"}).status_code == 404
    profile.user.refresh_from_db()
    assert profile.user.password == before


def test_the_console_shows_the_new_initial_password_once(world, client):
    profile = world["learner"]
    client.force_login(world["admin_a"])
    url = reverse("cadre_policy:console:account", args=[profile.user_id])
    page = client.get(url)
    assert page.status_code == 200 and profile.masked_id_number in page.content.decode()
    assert profile.id_number not in page.content.decode()
    answer = client.post(url, {"action": "reset", "reason": "遗失"})
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    body = answer.content.decode()
    password = body.split('data-testid="initial-password">')[1].split("<")[0]
    assert authenticate(None, username=profile.mobile, password=password) == profile.user
    assert password not in client.get(url).content.decode()


def test_the_console_finds_a_learner_by_id_number_inside_the_subtree_only(world, client):
    profile = world["learner"]
    client.force_login(world["admin_a"])
    found = client.get(reverse("cadre_policy:console:accounts"), {"q": profile.id_number.lower()})
    assert profile.real_name in found.content.decode()
    client.force_login(world["admin_b"])
    found = client.get(reverse("cadre_policy:console:accounts"), {"q": profile.id_number})
    assert profile.real_name not in found.content.decode()


def test_staff_and_higher_administrators_are_not_reset_by_a_unit(world):
    # The county's administrator is also a learner of unit A: unit A's administrator may not reset them.
    make_profile(world["tree"]["a"], world["admin_county"], mobile="13900000001")
    with pytest.raises(PermissionDenied):
        accounts.reset_password(world["admin_a"], world["admin_county"])
    staff = make_profile(world["tree"]["a"], make_user("platform_staff", is_staff=True), mobile="13900000002")
    with pytest.raises(PermissionDenied):
        accounts.reset_password(world["admin_county"], staff.user)
    # unit A's own administrator, a learner of unit A, is inside the county administrator's subtree (ADR 0015)
    make_profile(world["tree"]["a"], world["admin_a"], mobile="13900000003")
    assert accounts.reset_password(world["admin_county"], world["admin_a"])


def test_a_read_only_liaison_sees_the_learner_but_cannot_reset_or_record_leaving(world, client):
    liaison = make_admin(world["tree"]["a"], "liaison_a", role="liaison")
    profile = world["learner"]
    with pytest.raises(PermissionDenied):
        accounts.reset_password(liaison, profile.user)
    with pytest.raises(PermissionDenied):
        accounts.record_leaving(liaison, profile, LearnerStatus.RESIGNED, reason="辞职")
    client.force_login(liaison)
    url = reverse("cadre_policy:console:account", args=[profile.user_id])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "只读" in page.content.decode()
    assert 'data-testid="reset-password"' not in page.content.decode()
    before = profile.user.password
    assert client.post(url, {"action": "reset", "reason": "x"}).status_code == 403
    profile.user.refresh_from_db()
    assert profile.user.password == before


# ---------------------------------------------------------------- the forced change
def sign_in(client, username, password):
    assert client.login(username=username, password=password)


def test_a_learner_with_an_initial_password_must_change_it_before_anything_else(world, client):
    profile = world["learner"]
    initial = accounts.reset_password(world["admin_a"], profile.user)
    sign_in(client, profile.id_number, initial)
    page = client.get(reverse("cadre_policy:console:index"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse(CHANGE) + "?next=")
    api_answer = client.get("/cadre/api/v1/me/file/", HTTP_ACCEPT="application/json")
    assert api_answer.status_code == 403
    assert api_answer.json()["error_code"] == "cadre-password-change-required"
    assert api_answer.json()["change_url"] == reverse(CHANGE)
    form = client.get(reverse(CHANGE), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert form.status_code == 200 and 'data-testid="password-change-required"' in form.content.decode()

    refused = client.post(reverse(CHANGE), {"old_password": initial, "new_password1": initial,
                                            "new_password2": initial})
    assert refused.status_code == 400
    changed = client.post(reverse(CHANGE), {"old_password": initial, "new_password1": NEW_PASSWORD,
                                            "new_password2": NEW_PASSWORD, "next": "/cadre/manage/"})
    assert changed.status_code == 200 and 'href="/cadre/manage/"' in changed.content.decode()
    profile.refresh_from_db()
    assert not profile.password_change_required
    assert client.get(reverse("cadre_policy:console:index")).status_code == 403  # a learner: the console's own refusal
    row = AuditLog.objects.get(action="account.password_changed")
    assert row.actor == profile.user and row.detail == {"initial_password_replaced": True}
    assert NEW_PASSWORD not in audit_text()
    client.logout()
    assert authenticate(None, username=profile.id_number, password=initial) is None
    sign_in(client, profile.mobile, NEW_PASSWORD)
    assert client.get(reverse("cadre_policy:console:index")).status_code == 403


def test_a_reset_ends_the_sessions_opened_with_the_old_password(world, client):
    profile = world["learner"]
    profile.user.set_password("old-one-123")
    profile.user.save()
    sign_in(client, profile.id_number, "old-one-123")
    accounts.reset_password(world["admin_a"], profile.user)
    assert client.get(reverse("cadre_policy:console:index")).status_code == 302
    assert "next=" in client.get(reverse("cadre_policy:console:index"))["Location"]


@override_settings(CADRE_POLICY={"FORCE_INITIAL_PASSWORD_CHANGE": False})
def test_the_forced_change_is_a_switch(world, client):
    profile = world["learner"]
    initial = accounts.reset_password(world["admin_a"], profile.user)
    sign_in(client, profile.id_number, initial)
    assert client.get(reverse("cadre_policy:console:index")).status_code == 403


# ---------------------------------------------------------------- initial passwords on import and approval
def test_a_roster_import_can_issue_one_random_initial_password_per_learner(world):
    ids = [make_id_number(serial=s, region="340104") for s in (701, 702)]
    data = csv_bytes(["姓名", "身份证号", "职级", "单位代码", "手机号"],
                     [["甲", ids[0], "科级", "AH-HF-SX-A", "13800000701"], ["乙", ids[1], "县处级", "AH-HF-SX-A", ""]])
    report = roster_import.import_roster(data, "r.csv", admin=world["admin_a"], approve=True, initial_passwords=True)
    assert report.ok and report.written
    rows = report.as_dict()["rows"]
    passwords = [row["initial_password"] for row in rows]
    assert len(set(passwords)) == 2
    assert authenticate(None, username=ids[0], password=passwords[0]) is not None
    assert authenticate(None, username="13800000701", password=passwords[0]) is not None
    assert all(LearnerProfile.objects.with_id_number(number).get().password_change_required for number in ids)
    assert not any(password in audit_text() for password in passwords)
    again = roster_import.import_roster(data, "r.csv", admin=world["admin_a"], approve=True, initial_passwords=True)
    assert all("initial_password" not in row for row in again.as_dict()["rows"])  # unchanged rows keep theirs


@override_settings(CADRE_POLICY={"INITIAL_PASSWORD": "Fj@123456"})
def test_the_fixed_initial_password_is_used_where_an_academy_insists_and_flagged(world):
    assert accounts.reset_password(world["admin_a"], world["learner"].user) == "Fj@123456"
    assert [problem.id for problem in check_sign_in()] == ["cadre_policy.W004"]
    assert AuditLog.objects.get(action="account.password_reset").detail["kind"] == "fixed"


def test_the_sign_in_checks_are_quiet_by_default():
    assert check_sign_in() == []


def test_approval_issues_an_initial_password_for_an_imported_account(world):
    user = make_user("imported_one")
    user.set_unusable_password()
    user.is_active = False
    user.save()
    profile = make_profile(world["tree"]["a"], user, approved=False, mobile="13900000009")
    with pytest.raises(PermissionDenied):
        api.approve_learner(world["admin_b"], user)
    password = api.approve_learner(world["admin_a"], user)
    profile.refresh_from_db()
    user.refresh_from_db()
    assert profile.approved and user.is_active and profile.password_change_required
    assert authenticate(None, username=profile.id_number, password=password) == user


# ---------------------------------------------------------------- self-registration
def register_form(unit, id_number, **extra):
    return {"id_number": id_number, "real_name": "冯注册", "mobile": "", "rank": "staff", "unit": unit.pk,
            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **extra}


def test_self_registration_uses_the_id_number_as_user_name_and_waits_for_the_unit(world, client):
    number = None
    for serial in range(1000):
        candidate = make_id_number(serial=serial, region="150102")
        if candidate.endswith("X"):
            number = candidate
            break
    unit = world["tree"]["b"]
    page = client.get(reverse("cadre_policy:account:register"))
    assert page.status_code == 200 and unit.name in page.content.decode()
    answer = client.post(reverse("cadre_policy:account:register"), register_form(unit, number.lower()))
    assert answer.status_code == 200 and 'data-testid="registered"' in answer.content.decode()
    profile = LearnerProfile.objects.with_id_number(number).get()
    assert profile.unit == unit and not profile.approved and profile.status == LearnerStatus.ACTIVE
    assert number not in profile.user.username and profile.user.is_active
    assert not api.has_active_profile(profile.user)  # cadre courses closed until approval
    assert authenticate(None, username=number.lower(), password=NEW_PASSWORD) == profile.user
    assert api.approve_learner(world["admin_b"], profile.user) == ""  # they chose their own password
    assert api.has_active_profile(profile.user)
    assert AuditLog.objects.filter(action="profile.self_register", learner=profile.user).exists()
    again = client.post(reverse("cadre_policy:account:register"), register_form(unit, number),
                        HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400 and "one person, one account" in again.content.decode()


def test_self_registration_refuses_a_wrong_check_character(world, client):
    number = make_id_number(serial=321, region="150102")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    answer = client.post(reverse("cadre_policy:account:register"), register_form(world["tree"]["b"], wrong),
                         HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    assert "check digit" in answer.content.decode()
    assert not LearnerProfile.objects.with_id_number(wrong).exists()


@override_settings(CADRE_POLICY={"SELF_REGISTRATION": False})
def test_self_registration_is_a_switch(client):
    assert client.get(reverse("cadre_policy:account:register")).status_code == 404


# ---------------------------------------------------------------- leaving and coming back
def test_leaving_keeps_the_file_and_the_academy_brings_the_learner_back(world):
    profile = world["learner"]
    with pytest.raises(PermissionDenied):
        accounts.record_leaving(world["admin_b"], profile, LearnerStatus.RETIRED, reason="退休")
    with pytest.raises(ValidationError):
        accounts.record_leaving(world["admin_a"], profile, LearnerStatus.RETIRED, reason=" ")
    accounts.record_leaving(world["admin_a"], profile, LearnerStatus.RETIRED, reason="退休")
    profile.refresh_from_db()
    profile.user.refresh_from_db()
    assert profile.status == LearnerStatus.RETIRED and not profile.user.is_active
    assert LearnerProfile.objects.filter(pk=profile.pk).exists()
    with pytest.raises(PermissionDenied):
        accounts.return_to_training(world["admin_county"], profile, reason="误操作")
    academy = make_user("academy", is_superuser=True)
    accounts.return_to_training(academy, profile, reason="误操作")
    profile.refresh_from_db()
    profile.user.refresh_from_db()
    assert profile.status == LearnerStatus.ACTIVE and profile.user.is_active
    actions = list(AuditLog.objects.filter(learner=profile.user).values_list("action", flat=True))
    assert "profile.left_training" in actions and "profile.returned_to_training" in actions


def test_the_import_command_prints_initial_passwords_once(world, tmp_path, capsys):
    number = make_id_number(serial=811, region="340104")
    path = tmp_path / "r.csv"
    path.write_bytes(csv_bytes(["姓名", "身份证号", "职级", "单位代码"], [["丙", number, "科级", "AH-HF-SX-A"]]))
    call_command("cadre_import_roster", str(path), "--admin", "admin_a", "--approve", "--initial-passwords")
    out = capsys.readouterr().out
    assert number not in out
    printed = out.strip().split()[-1]  # the row's last column: its initial password
    assert authenticate(None, username=number, password=printed) is not None


@override_settings(CADRE_POLICY={"SIGN_IN_MAX_FAILURES_PER_CLIENT": 3})
def test_the_registration_page_is_no_oracle_for_walking_through_id_numbers(world, client):
    taken = [make_profile(world["tree"]["a"], mobile=f"1390000000{n}").id_number for n in range(3)]
    for number in taken:
        answer = client.post(reverse("cadre_policy:account:register"), register_form(world["tree"]["b"], number),
                             REMOTE_ADDR="10.1.1.1")
        assert answer.status_code == 400
    fresh = make_id_number(serial=555, region="150102")
    refused = client.post(reverse("cadre_policy:account:register"), register_form(world["tree"]["b"], fresh),
                          REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429
    assert not LearnerProfile.objects.with_id_number(fresh).exists()
    elsewhere = client.post(reverse("cadre_policy:account:register"), register_form(world["tree"]["b"], fresh),
                            REMOTE_ADDR="10.1.1.2")
    assert elsewhere.status_code == 200


def test_xhr_calls_get_the_stable_code_and_the_language_switch_stays_open(world, client):
    profile = world["learner"]
    initial = accounts.reset_password(world["admin_a"], profile.user)
    sign_in(client, profile.mobile, initial)
    xhr = client.post(reverse("cadre_policy:console:index"), HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert xhr.status_code == 403 and xhr.json()["error_code"] == "cadre-password-change-required"
    switched = client.post("/i18n/setlang/", {"language": "en", "next": reverse(CHANGE)})
    assert switched.status_code == 302 and switched["Location"] == reverse(CHANGE)
    page = client.get(reverse(CHANGE))
    assert "Change your password" in page.content.decode()  # the switch reached the change page's language


def test_misconfigured_sign_in_is_reported_at_start_up():
    with override_settings(CADRE_POLICY={"SIGN_IN_MAX_FAILURES": 0}):
        assert [problem.id for problem in check_sign_in()] == ["cadre_policy.E007"]
    with override_settings(AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.ModelBackend"],
                           MIDDLEWARE=["django.contrib.auth.middleware.AuthenticationMiddleware"]):
        assert [problem.id for problem in check_sign_in()] == ["cadre_policy.W005", "cadre_policy.W006"]
    with override_settings(AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.ModelBackend"], MIDDLEWARE=[],
                           CADRE_POLICY={"SIGN_IN_BY_ID_NUMBER": False, "FORCE_INITIAL_PASSWORD_CHANGE": False}):
        assert check_sign_in() == []
