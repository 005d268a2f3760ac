"""The block's learner handlers share the plugin's per-learner rate limit: over it, 429 ``throttled``."""
import pytest
from django.test import override_settings

from cadre_credits_xblock import i18n
from tests.xblock.runtime import call, make_block


@override_settings(CADRE_POLICY={"THROTTLE_RATES": {"learner_handler": "3/min"}})
def test_a_learner_calling_too_fast_gets_429_throttled_and_another_learner_does_not(lecture, block_name, learner,
                                                                                       author):
    block = make_block(block_name, learner)
    statuses = [call(block, "heartbeat", {"token": "x", "seq": 1})[0] for _ in range(4)]
    assert statuses[:3] != [429] * 3 and statuses[3] == 429
    assert call(block, "start_session", {}) == (429, {"error": "throttled"})
    other = make_block(block_name, author)
    assert call(other, "heartbeat", {"token": "x", "seq": 1})[0] != 429
    assert "throttled" in i18n.REASONS


@pytest.mark.django_db
def test_the_default_rate_leaves_a_heartbeating_learner_alone(lecture, block_name, learner):
    block = make_block(block_name, learner)
    assert 429 not in {call(block, "heartbeat", {"token": "x", "seq": n})[0] for n in range(20)}
