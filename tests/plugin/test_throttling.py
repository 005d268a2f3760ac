"""
Rate limits (issue 13): wrong certificate codes from one client meet a 429 with a
translated message long before the 300th; other clients and, after the window, the
same client are served again; the block's learner handlers are limited per learner.
"""
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from cadre_policy_plugin import api, throttling
from tests.plugin.factories import make_user

pytestmark = pytest.mark.django_db

VERIFY = reverse("cadre_policy:verify-certificate")


def test_300_wrong_codes_from_one_client_meet_a_429_before_the_300th():
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [client.get(VERIFY, {"code": f"WRONG{n:05d}"}).status_code for n in range(300)]
    first_refusal = statuses.index(429)
    assert first_refusal < 299 and set(statuses[:first_refusal]) == {200}
    assert first_refusal == 30  # the default: 30 attempts a minute
    assert set(statuses[first_refusal:]) == {429}


def test_the_429_says_when_to_retry_in_the_readers_language():
    client = Client(REMOTE_ADDR="203.0.113.8", HTTP_ACCEPT_LANGUAGE="zh-hans")
    with override_settings(CADRE_POLICY={"THROTTLE_RATES": {"certificate_verify": "2/min"}}):
        for n in range(2):
            assert client.get(VERIFY, {"code": f"X{n}"}).status_code == 200
        refused = client.get(VERIFY, {"code": "X3"})
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert "请求过于频繁" in refused.content.decode()
    english = Client(REMOTE_ADDR="203.0.113.8", HTTP_ACCEPT_LANGUAGE="en")
    with override_settings(CADRE_POLICY={"THROTTLE_RATES": {"certificate_verify": "2/min"}}):
        assert "Too many requests" in english.get(VERIFY, {"code": "X4"}).content.decode()


@override_settings(CADRE_POLICY={"THROTTLE_RATES": {"certificate_verify": "3/min"}})
def test_another_client_and_the_next_minute_are_served(clock):
    first, second = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    assert [first.get(VERIFY, {"code": f"A{n}"}).status_code for n in range(4)] == [200, 200, 200, 429]
    assert second.get(VERIFY, {"code": "B"}).status_code == 200
    assert first.get(VERIFY).status_code == 200  # the empty form is not an attempt
    clock.move_to((clock.now() + timedelta(seconds=61)).isoformat())
    assert first.get(VERIFY, {"code": "A5"}).status_code == 200


@override_settings(CADRE_POLICY={"THROTTLE_RATES": {"certificate_verify": None}})
def test_a_scope_set_to_none_is_not_limited():
    client = Client(REMOTE_ADDR="198.51.100.9")
    assert {client.get(VERIFY, {"code": f"C{n}"}).status_code for n in range(40)} == {200}


@override_settings(CADRE_POLICY={"THROTTLE_RATES": {"learner_handler": "5/min"}})
def test_learner_handler_calls_are_limited_per_learner():
    one, two = make_user(), make_user()
    waits = [api.learner_request_wait(one.pk) for _ in range(6)]
    assert waits[:5] == [None] * 5 and 0 < waits[5] <= 60
    assert api.learner_request_wait(two.pk) is None
    assert "60" in throttling.throttled_message(59.2)


def test_system_checks_refuse_unreadable_rates_and_unknown_caches():
    from cadre_policy_plugin.checks import check_throttles

    assert check_throttles() == []
    with override_settings(CADRE_POLICY={"THROTTLE_RATES": {"certificate_verify": "lots"}, "THROTTLE_CACHE": "x"}):
        assert [error.id for error in check_throttles()] == ["cadre_policy.E010", "cadre_policy.E010"]
    with override_settings(CADRE_POLICY={"THROTTLE_RATES": {"certificate_verify": "0/min", "learner_handler": None}}):
        assert len(check_throttles()) == 1


def test_a_forged_x_forwarded_for_header_does_not_escape_the_limit():
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [client.get(VERIFY, {"code": f"F{n}"}, HTTP_X_FORWARDED_FOR=f"10.0.{n // 250}.{n % 250}").status_code
                for n in range(40)]
    assert statuses.index(429) == 30
