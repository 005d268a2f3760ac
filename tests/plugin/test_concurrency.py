"""
Concurrent ledger writes on a real server database (MariaDB or PostgreSQL).

Open edX can send CERTIFICATE_CREATED while the XBlock reports the last verified
block; both try to award the same course at the same moment.  The profile row lock
serializes them and the award-slot constraint backs it up: exactly one entry, and the
year status includes it.  SQLite serializes all writers anyway, so there is nothing to
prove there (run with CADRE_TEST_DB=mysql or postgres).
"""
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections

from cadre_policy_plugin import api
from cadre_policy_plugin.models import LedgerEntry, YearStatus
from tests.plugin.factories import make_profile, make_tree

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services, pytest.mark.server_db]

COURSE = "course-v1:AnhuiAcademy+Race+2026"


@pytest.fixture(autouse=True)
def server_database():
    if connection.vendor == "sqlite":
        pytest.skip("concurrency needs a server database: run with CADRE_TEST_DB=mysql or postgres")


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


def while_locks_are_held(take_locks, act):
    """
    Run ``take_locks`` in a transaction kept open until ``act`` (in another thread,
    started once the locks are taken) has returned; returns ``(act's result, whether it
    returned while the locks were still held, its seconds)``.
    """
    import time

    from django.db import transaction

    locked, acted = threading.Event(), threading.Event()
    timings = {}

    def hold():
        with transaction.atomic():
            take_locks()
            locked.set()
            timings["while_held"] = acted.wait(timeout=8)
        return True

    def other():
        assert locked.wait(timeout=10)
        started = time.monotonic()
        result = act()
        timings["seconds"] = time.monotonic() - started
        acted.set()
        return result

    results = run_together(hold, other)
    return results[1], timings["while_held"], timings["seconds"]


def test_two_evidence_paths_award_a_course_once():
    tree = make_tree()
    learner = make_profile(tree["a"]).user
    api.set_course_credit_spec(COURSE, category="elective", hours=Decimal("8"))
    day = date(2026, 7, 1)
    results = run_together(
        lambda: api.award_course_hours(learner, COURSE, evidence_type="certificate", evidence_ref=COURSE,
                                       earned_on=day),
        lambda: api.award_course_hours(learner, COURSE, evidence_type="block_sessions", evidence_ref=COURSE,
                                       earned_on=day),
        lambda: api.award_course_hours(learner, COURSE, evidence_type="certificate", evidence_ref=COURSE,
                                       earned_on=day),
    )
    assert sum(result is not None for result in results) == 1
    assert LedgerEntry.objects.filter(user=learner).count() == 1
    assert YearStatus.objects.get(user=learner, year=2026).total_earned == Decimal("8")


def test_parallel_courses_all_reach_the_year_status():
    tree = make_tree()
    learner = make_profile(tree["a"]).user
    keys = [f"course-v1:AnhuiAcademy+Par{i}+2026" for i in range(4)]
    for key in keys:
        api.set_course_credit_spec(key, category="elective", hours=Decimal("5"))
    run_together(*[
        (lambda key=key: api.award_course_hours(learner, key, evidence_type="certificate", evidence_ref=key,
                                                earned_on=date(2026, 7, 1)))
        for key in keys])
    assert YearStatus.objects.get(user=learner, year=2026).total_earned == Decimal("20")


def test_two_learners_of_one_unit_are_written_concurrently_without_waiting():
    """
    The first learner's row lock is held open while the second learner of the same unit
    gets an entry: the second write must finish before the first transaction ends.  With
    the unit's row locked too (``select_related`` in the locking query on MariaDB) it
    waits for the lock timeout instead.
    """
    from cadre_policy_plugin.services import ledger

    tree = make_tree()
    first, second = make_profile(tree["a"]).user, make_profile(tree["a"]).user

    def lock_first():
        assert ledger.lock_profile(first) is not None

    entry, while_held, seconds = while_locks_are_held(lock_first, lambda: api.add_entry(
        second, source="offline_training", entered_by=None, reason="参加县委党校轮训", earned_on=date(2026, 5, 10),
        half_days=Decimal("2"), evidence_ref="roster-1"))
    assert entry is not None
    assert while_held, "the second learner's write waited for the first learner's lock"
    assert seconds < 5
    assert YearStatus.objects.filter(user=second, year=2026).exists()


def test_concurrent_certificate_saves_and_grade_updates_award_once():
    """Open edX's repeats arriving on several workers at once: one award, one state row."""
    from cadre_policy_plugin.models import CourseCertificate
    from tests.plugin.openedx_replay import OpenEdx

    tree = make_tree()
    learner = make_profile(tree["a"]).user
    api.set_course_credit_spec(COURSE, category="elective", hours=Decimal("8"))
    edx = OpenEdx(learner, COURSE)
    run_together(edx.certificate_saved, edx.certificate_saved, edx.grade_update, edx.certificate_saved)
    assert LedgerEntry.objects.filter(user=learner).count() == 1
    assert CourseCertificate.objects.get(user=learner, course_key=COURSE).issues == 1


def test_a_revocation_racing_a_grade_update_leaves_nothing_counted():
    from tests.plugin.openedx_replay import OpenEdx

    tree = make_tree()
    learner = make_profile(tree["a"]).user
    api.set_course_credit_spec(COURSE, category="elective", hours=Decimal("8"))
    edx = OpenEdx(learner, COURSE)
    edx.certificate_saved()
    run_together(edx.certificate_revoked, edx.grade_update, edx.grade_update)
    assert LedgerEntry.objects.effective().filter(user=learner).count() == 0
    assert LedgerEntry.objects.filter(user=learner).count() == 2


def test_two_close_chunks_of_one_unit_run_concurrently_without_waiting():
    """
    A year-end close worker holds its chunk's profile locks for its whole transaction;
    a second worker on the next chunk of the same unit must finish meanwhile.  Locking
    through the ``(unit, status)`` index (the plan MariaDB picks for "learners of these
    units ... FOR UPDATE") would lock every profile of the unit, and the second worker
    would wait for the first (two workers measured no faster than one).
    """
    from cadre_policy_plugin.models import CloseChunk
    from cadre_policy_plugin.services import close

    tree = make_tree()
    learners = [make_profile(tree["a"]).user for _ in range(4)]
    for learner in learners:
        api.add_entry(learner, source="offline_training", entered_by=None, reason="参加县委党校轮训",
                      earned_on=date(2026, 5, 10), half_days=Decimal("2"), evidence_ref=f"roster-{learner.pk}")
    job = close.create_job(node=tree["a"], years=[2026], chunk_size=2)
    first, second = job.chunks.order_by("number")

    def lock_first_chunk():
        chunk = CloseChunk.objects.select_related("job", "job__node").get(pk=first.pk)
        assert len(close._locked_profiles(chunk)) == 2

    done, while_held, seconds = while_locks_are_held(lock_first_chunk, lambda: close.run_chunk(second.pk))
    assert done == 2
    assert while_held, "the second chunk waited for the first chunk's locks"
    assert seconds < 5
    assert set(YearStatus.objects.filter(year=2026, user__in=learners[2:]).values_list("user_id", flat=True)) == \
        {learner.pk for learner in learners[2:]}
