"""
Races the learner's row lock must win, on a server database (MariaDB, PostgreSQL).

Two devices starting at the same instant must leave exactly one live session, and
the same sequence number sent twice at once must be credited once.  SQLite runs the
test database in memory per connection, so these need ``CADRE_TEST_DB=mysql`` or
``postgres``.
"""
import threading
from datetime import timedelta
from decimal import Decimal as D
from functools import partial

import pytest
from django.db import connection
from django.utils import timezone
from opaque_keys.edx.locator import BlockUsageLocator

from cadre_credits_xblock import sessions
from cadre_credits_xblock import verification as v
from cadre_credits_xblock.models import BlockProgress, LearnerClock, LearningSession
from tests.plugin.factories import make_user

from .runtime import COURSE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services, pytest.mark.server_db]
ROUNDS = 8


@pytest.fixture(autouse=True)
def server_database():
    if connection.vendor == "sqlite":
        pytest.skip("row-lock races need a server database: run with CADRE_TEST_DB=mysql or postgres")


def spec(name):
    return sessions.BlockSpec(course_key=COURSE, usage_key=BlockUsageLocator(COURSE, "cadre_credits", name),
                              duration=D(600))


def race(*calls):
    """Run the calls in threads released at the same moment; return their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_devices_starting_at_once_leave_exactly_one_live_session():
    for round_ in range(ROUNDS):
        user = make_user()
        now = timezone.now()
        race(partial(sessions.start_session, user, spec(f"laptop{round_}"), now=now),
             partial(sessions.start_session, user, spec(f"phone{round_}"), now=now))
        live = LearningSession.objects.filter(user=user, status=LearningSession.LIVE)
        assert live.count() == 1
        assert LearnerClock.objects.get(user=user).session_id == live.get().pk
        assert LearningSession.objects.filter(user=user).count() == 2


def test_the_same_sequence_number_sent_twice_at_once_is_credited_once():
    for round_ in range(ROUNDS):
        user = make_user()
        start = timezone.now()
        opened = sessions.start_session(user, spec(f"block{round_}"), now=start)
        beat = v.Heartbeat(seq=1, position=D(15))
        later = start + timedelta(seconds=15)
        send = partial(sessions.record_heartbeat, user, spec(f"block{round_}"), opened.token, beat, now=later)
        outcomes = race(send, send)
        assert sorted(o.result.accepted for o in outcomes) == [False, True]
        assert BlockProgress.objects.get(user=user).verified_seconds == D("15.000")
