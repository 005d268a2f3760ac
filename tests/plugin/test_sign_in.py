"""
Real-name sign-in (ADR 0016): an ID number (with a lower-case ``x`` too) or a mobile
number finds the account through the keyed hashes only, a wrong check character is
refused before any lookup, guessing is throttled per identifier and per client, and
Open edX's own user-name/e-mail sign-in keeps working beside it.
"""
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cadre_policy_plugin import identity
from cadre_policy_plugin.conf import id_hash_key
from cadre_policy_plugin.models import LearnerStatus
from cadre_policy_plugin.services import signin
from cadre_policy_plugin.settings import common as plugin_settings_module
from tests.plugin.factories import make_id_number, make_profile, make_tree, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Chushi-2027a"
# Open edX's lists as lms/envs/common.py has them (edx-platform master).
EDX_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "openedx.core.djangoapps.oauth_dispatch.dot_overrides.backends.EdxRateLimitedAllowAllUsersModelBackend",
    "bridgekeeper.backends.RulePermissionBackend",
]
EDX_MIDDLEWARE = [
    "openedx.core.lib.x_forwarded_for.middleware.XForwardedForMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "openedx.core.djangoapps.safe_sessions.middleware.SafeSessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "openedx.core.djangoapps.user_authn.middleware.RedirectUnauthenticatedToLoginMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Empty sign-in counters; afterwards the host's language again (a request in English leaves it active)."""
    cache.clear()
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


def id_number_ending_in_x():
    for serial in range(1000):
        number = make_id_number(serial=serial, region="150102")
        if number.endswith("X"):
            return number
    raise AssertionError("no serial gives an X check character")


def wrong_check_char(number):
    return number[:17] + ("0" if number[17] != "0" else "1")


@pytest.fixture
def learner():
    tree = make_tree()
    user = make_user()
    user.set_password(PASSWORD)
    user.save()
    profile = make_profile(tree["a"], user, id_number=id_number_ending_in_x(), mobile="13912345678")
    return SimpleNamespace(user=user, profile=profile, tree=tree)


def request_from(address="10.0.0.1"):
    return RequestFactory().post("/login/", REMOTE_ADDR=address)


def test_an_id_number_with_a_lower_case_x_signs_the_learner_in(learner):
    typed = learner.profile.id_number.lower()
    assert typed.endswith("x")
    assert authenticate(request_from(), username=typed, password=PASSWORD) == learner.user
    assert authenticate(request_from(), username=learner.profile.id_number, password=PASSWORD) == learner.user


def test_a_mobile_number_signs_the_learner_in(learner):
    assert authenticate(request_from(), username="139 1234 5678", password=PASSWORD) == learner.user


def test_a_wrong_check_character_is_refused_before_any_database_query(learner):
    request = request_from()
    with CaptureQueriesContext(connection) as queries:
        assert authenticate(request, username=wrong_check_char(learner.profile.id_number), password=PASSWORD) is None
    assert not [query for query in queries.captured_queries if "learnerprofile" in query["sql"]]
    assert not [query for query in queries.captured_queries if "auth_user" in query["sql"]]
    assert request.cadre_sign_in_refusal == signin.BAD_ID_NUMBER
    assert "GB 11643" in signin.refusal_message(request)


def test_the_lookup_never_queries_a_plain_id_number_or_mobile_column(learner):
    number, mobile = learner.profile.id_number, learner.profile.mobile
    with CaptureQueriesContext(connection) as queries:
        assert authenticate(request_from(), username=number.lower(), password=PASSWORD) == learner.user
        assert authenticate(request_from(), username=mobile, password=PASSWORD) == learner.user
        assert authenticate(request_from(), username=number, password="wrong") is None
        assert authenticate(request_from(), username="13700000000", password=PASSWORD) is None
    sql = re.sub(r'[`"]', "", "\n".join(query["sql"] for query in queries.captured_queries))  # any engine's quoting
    assert "id_number_hash =" in sql and "mobile_hash =" in sql
    for plain in (number, number.lower(), number[:17], mobile, "13700000000"):
        assert plain not in sql  # neither as a value nor in the username/e-mail columns
    assert not re.search(r"\b(id_number|mobile|username|email) (=|IN|LIKE)", sql)


def test_a_wrong_password_stops_at_this_backend_instead_of_a_plain_user_name_lookup(learner):
    # An account whose *user name* is the number must not be found through ModelBackend's plain lookup.
    squatter = make_user(username=learner.profile.id_number)
    squatter.set_password("squat")
    squatter.save()
    assert authenticate(request_from(), username=learner.profile.id_number, password="squat") is None


def test_guessing_one_id_number_is_throttled_until_the_lockout_ends(learner, clock):
    number = learner.profile.id_number
    for address in range(5):  # from five different clients: the per-identifier counter
        assert authenticate(request_from(f"10.0.1.{address}"), username=number, password="guess") is None
    request = request_from("10.0.2.1")
    assert authenticate(request, username=number, password=PASSWORD) is None  # the right password, refused
    assert request.cadre_sign_in_refusal == signin.THROTTLED
    assert "15" in signin.refusal_message(request)
    # the mobile number of the same learner is its own identifier, the user name too
    assert authenticate(request_from("10.0.2.2"), username=learner.user.username, password=PASSWORD) == learner.user
    clock.move_to(clock.now() + timedelta(minutes=16))
    assert authenticate(request_from("10.0.2.3"), username=number, password=PASSWORD) == learner.user


def test_one_client_walking_through_id_numbers_is_throttled_for_every_number(learner):
    for serial in range(30):
        guess = make_id_number(serial=serial, region="110101")
        assert authenticate(request_from("10.9.9.9"), username=guess, password="123456") is None
    request = request_from("10.9.9.9")
    assert authenticate(request, username=learner.profile.id_number, password=PASSWORD) is None
    assert request.cadre_sign_in_refusal == signin.THROTTLED
    assert authenticate(request_from("10.9.9.10"), username=learner.profile.id_number,
                        password=PASSWORD) == learner.user


@override_settings(CADRE_POLICY={"SIGN_IN_MAX_FAILURES": 2, "SIGN_IN_LOCKOUT_SECONDS": 60})
def test_the_limits_are_settings(learner):
    for _attempt in range(2):
        authenticate(request_from(), username=learner.profile.mobile, password="guess")
    assert authenticate(request_from(), username=learner.profile.mobile, password=PASSWORD) is None


def test_user_names_and_e_mail_still_go_to_model_backend(learner):
    assert authenticate(request_from(), username=learner.user.username, password=PASSWORD) == learner.user
    assert authenticate(request_from(), username=learner.user.username, password="wrong") is None


def test_an_ambiguous_mobile_number_signs_nobody_in(learner):
    other = make_user()
    other.set_password(PASSWORD)
    other.save()
    make_profile(learner.tree["b"], other, mobile=learner.profile.mobile)
    assert authenticate(request_from(), username=learner.profile.mobile, password=PASSWORD) is None
    assert authenticate(request_from(), username=learner.profile.id_number, password=PASSWORD) == learner.user


def test_a_learner_who_left_cannot_sign_in_by_default(learner):
    learner.profile.status = LearnerStatus.RETIRED
    learner.profile.save()
    assert authenticate(request_from(), username=learner.profile.id_number, password=PASSWORD) is None


@override_settings(CADRE_POLICY={"LEAVING_ENDS_SIGN_IN": False})
def test_leaving_can_keep_sign_in_by_policy_while_cadre_courses_close(learner):
    from cadre_policy_plugin import api

    learner.profile.status = LearnerStatus.RESIGNED
    learner.profile.save()
    assert authenticate(request_from(), username=learner.profile.id_number, password=PASSWORD) == learner.user
    assert not api.has_active_profile(learner.user)


def test_mobile_hash_follows_the_mobile_number(learner):
    learner.profile.mobile = "13800001111"
    learner.profile.save(update_fields=["mobile"])
    learner.profile.refresh_from_db()
    assert learner.profile.mobile_hash == identity.hash_mobile("13800001111", id_hash_key())
    assert authenticate(request_from(), username="13800001111", password=PASSWORD) == learner.user
    assert authenticate(request_from(), username="13912345678", password=PASSWORD) is None


# ---------------------------------------------------------------- settings merge
def test_plugin_settings_put_the_backend_beside_open_edx_s_model_backend():
    settings = SimpleNamespace(AUTHENTICATION_BACKENDS=list(EDX_BACKENDS), MIDDLEWARE=list(EDX_MIDDLEWARE))
    plugin_settings_module.plugin_settings(settings)
    assert [plugin_settings_module.SIGN_IN_BACKEND, *EDX_BACKENDS] == settings.AUTHENTICATION_BACKENDS
    plugin_settings_module.plugin_settings(settings)  # common, then production: no duplicates
    assert settings.AUTHENTICATION_BACKENDS.count(plugin_settings_module.SIGN_IN_BACKEND) == 1
    auth = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert settings.MIDDLEWARE[auth + 1:auth + 3] == [plugin_settings_module.LOGIN_IDENTIFIER_MIDDLEWARE,
                                                      plugin_settings_module.PASSWORD_CHANGE_MIDDLEWARE]
    assert [name for name in settings.MIDDLEWARE if not name.startswith("cadre_policy_plugin")] == EDX_MIDDLEWARE


def test_plugin_settings_on_a_bare_django_host_keep_model_backend():
    settings = SimpleNamespace()
    plugin_settings_module.plugin_settings(settings)
    assert settings.AUTHENTICATION_BACKENDS == [plugin_settings_module.SIGN_IN_BACKEND,
                                                "django.contrib.auth.backends.ModelBackend"]


def test_the_switches_leave_backends_and_middleware_alone():
    settings = SimpleNamespace(AUTHENTICATION_BACKENDS=list(EDX_BACKENDS), MIDDLEWARE=list(EDX_MIDDLEWARE),
                               CADRE_POLICY={"SIGN_IN_BY_ID_NUMBER": False, "FORCE_INITIAL_PASSWORD_CHANGE": False})
    plugin_settings_module.plugin_settings(settings)
    assert settings.AUTHENTICATION_BACKENDS == EDX_BACKENDS
    assert settings.MIDDLEWARE == EDX_MIDDLEWARE


def test_the_test_host_runs_with_the_merged_settings():
    from django.conf import settings

    assert settings.AUTHENTICATION_BACKENDS == [plugin_settings_module.SIGN_IN_BACKEND,
                                                "django.contrib.auth.backends.ModelBackend"]
    assert plugin_settings_module.PASSWORD_CHANGE_MIDDLEWARE in settings.MIDDLEWARE


# ---------------------------------------------------------------- the LMS login API
LOGIN_V2 = "/api/user/v2/account/login_session/"
LOGIN_V1 = "/api/user/v1/account/login_session/"


def test_the_login_api_finds_the_account_behind_an_id_number(learner, client):
    response = client.post(LOGIN_V2, {"email_or_username": learner.profile.id_number.lower(), "password": PASSWORD})
    assert response.status_code == 200, response.content
    assert response.json()["success"] is True
    assert int(client.session["_auth_user_id"]) == learner.user.pk


def test_the_v1_login_api_with_a_mobile_number_in_the_email_field(learner, client):
    learner.user.email = "lin@example.org"
    learner.user.save()
    response = client.post(LOGIN_V1, {"email": learner.profile.mobile, "password": PASSWORD})
    assert response.status_code == 200, response.content


def test_the_login_api_refuses_a_wrong_check_character_and_throttles(learner, client):
    bad = wrong_check_char(learner.profile.id_number)
    response = client.post(LOGIN_V2, {"email_or_username": bad, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error_code"] == "cadre-id-number-invalid"
    for _attempt in range(5):
        client.post(LOGIN_V2, {"email_or_username": learner.profile.id_number, "password": "guess"})
    response = client.post(LOGIN_V2, {"email_or_username": learner.profile.id_number, "password": PASSWORD},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert response.json()["error_code"] == "cadre-sign-in-throttled"
    assert "登录" in response.json()["value"]


def test_the_login_api_keeps_user_names_for_open_edx(learner, client):
    response = client.post(LOGIN_V2, {"email_or_username": learner.user.username, "password": PASSWORD})
    assert response.status_code == 200
