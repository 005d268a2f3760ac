"""
The year-end close as a job of chunks (services/close.py, ADR 0017), in one process.

The chunked, set-based recompute must give every learner exactly what the one-learner
path gives; a job is resumable (done chunks are never redone, a dead worker's chunk is
redone after its lease); its progress is visible through the api and the REST API;
and a policy change queues a job instead of recomputing in the request.
"""
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cadre_policy_plugin import api
from cadre_policy_plugin.models import AnnualCertificate, ChunkState, CloseChunk, CloseJob, LearnerProfile, YearStatus
from cadre_policy_plugin.services import close
from cadre_policy_plugin.services.evaluation import evaluate_year, status_fields
from tests.plugin.factories import make_admin, make_profile, make_tree

pytestmark = pytest.mark.django_db

OVERLAY_60 = """
extends: anhui-2019
title: {zh-Hans: 肥西县实施细则, en: Feixi county implementing rules}
document: {title: 肥西县干部网络培训实施细则}
quotas:
  all_learners:
    total: {value: "60", cite: "肥西县实施细则 第三条 每年不少于60学时"}
"""
COURSES = {f"course-v1:AnhuiAcademy+Close{i}+2026": hours for i, hours in enumerate(("12", "20", "30", "8"))}


def from_scratch(user_id, year):
    """What the one-learner path (the engine per learner, no chunks) says now."""
    profile = LearnerProfile.objects.select_related("unit", "user").get(user_id=user_id)
    pack, status = evaluate_year(profile, year)
    return {**status_fields(pack, status), "unit_id": profile.unit_id}


def stored(user_id, year):
    row = YearStatus.objects.get(user_id=user_id, year=year)
    return {name: getattr(row, name) for name in ("policy_key", "unit_of_measure", "met", "total_needed",
                                                  "total_earned", "required_needed", "required_earned", "detail",
                                                  "unit_id")}


def assert_equal_to_from_scratch(users, year):
    for user_id in users:
        expected = from_scratch(user_id, year)
        got = stored(user_id, year)
        assert {k: got[k] for k in expected} == expected, user_id


@pytest.fixture
def world():
    tree = make_tree()
    for key, hours in COURSES.items():
        api.set_course_credit_spec(key, category="required" if hours == "30" else "elective", hours=Decimal(hours))
    learners = []
    for i in range(12):
        profile = make_profile(tree["a"] if i % 3 else tree["b"], rank=("county", "section", "staff")[i % 3])
        for n, key in enumerate(COURSES):
            if (i + n) % 4 != 3:
                api.award_course_hours(profile.user, key, evidence_type="certificate", evidence_ref=key,
                                       earned_on=date(2026, 2 + n, 3 + i))
        learners.append(profile.user_id)
    # a revoked award, so reversed rows and reversals are in the ledger
    entry = api.ledger_entries_since(user_id=learners[0])[0]
    api.revoke_entry(entry.uuid, by=None, reason="certificate revoked in Open edX (test)")
    return tree, learners


def test_a_chunked_close_gives_every_learner_the_one_learner_result(world):
    _tree, learners = world
    YearStatus.objects.filter(user_id__in=learners[:6]).delete()
    YearStatus.objects.filter(user_id__in=learners[6:]).update(met=False, total_earned=0, detail={})
    job = close.create_job(years=[2026], chunk_size=5)
    assert (job.total_learners, job.total_chunks) == (12, 3)
    close.run_inline(job)
    assert_equal_to_from_scratch(learners, 2026)
    met = set(YearStatus.objects.filter(year=2026, met=True).values_list("user_id", flat=True))
    assert met, "the fixture should have learners who met the year"
    assert set(AnnualCertificate.objects.filter(year=2026, revoked_at__isnull=True)
               .values_list("user_id", flat=True)) == met


def test_a_close_revokes_and_restores_certificates_in_bulk(world):
    _tree, learners = world
    met = list(YearStatus.objects.filter(year=2026, met=True).values_list("user_id", flat=True))
    victim = met[0]
    for row in api.ledger_entries_since(user_id=victim):
        if row.reverses is None:
                api.revoke_entry(row.uuid, by=None, reason="cheating found (Art. 13)")
    # the revocations already revoked the certificate; pretend the cache missed it
    AnnualCertificate.objects.filter(user_id=victim).update(revoked_at=None)
    YearStatus.objects.filter(user_id=victim).update(met=True)
    close.run_inline(close.create_job(years=[2026], chunk_size=4))
    assert AnnualCertificate.objects.get(user_id=victim, year=2026).revoked_reason == "year_no_longer_met"
    assert AnnualCertificate.objects.get(user_id=victim, year=2026).revoked_at is not None
    assert_equal_to_from_scratch(learners, 2026)


def test_a_chunk_costs_the_same_queries_whatever_its_size(world):
    _tree, learners = world

    def queries_for(chunk_size):
        job = close.create_job(years=[2026], chunk_size=chunk_size)
        chunk = job.chunks.order_by("number").first()
        with CaptureQueriesContext(connection) as ctx:
            close.run_chunk(chunk.pk)
        return len(ctx.captured_queries)

    assert queries_for(2) == queries_for(6) <= 15  # neither is the job's last chunk


def test_a_rerun_resumes_the_job_and_redoes_only_unfinished_chunks(world):
    _tree, learners = world
    job = close.create_job(years=[2026], chunk_size=4)
    first, second, third = job.chunks.order_by("number")
    close.run_chunk(first.pk)
    # a worker died in the middle of the second chunk: running, lease still live
    CloseChunk.objects.filter(pk=second.pk).update(state=ChunkState.RUNNING, lease_until=timezone.now()
                                                   + timedelta(seconds=60), claimed_by="dead:1")
    assert close.run_chunk(second.pk) is None  # leased: another worker must not take it yet
    done_at = CloseChunk.objects.get(pk=first.pk).finished_at
    YearStatus.objects.all().delete()
    out = io.StringIO()
    call_command("cadre_recompute_year_status", "--year", "2026", "--inline", stdout=out)
    assert f"Resuming close job {job.pk}" in out.getvalue() and "4/12 learners already done" in out.getvalue()
    assert CloseChunk.objects.get(pk=first.pk).finished_at == done_at  # not redone
    assert CloseChunk.objects.get(pk=third.pk).state == ChunkState.DONE
    assert CloseChunk.objects.get(pk=second.pk).state == ChunkState.RUNNING  # lease live: left alone
    job.refresh_from_db()
    assert job.finished_at is None
    # the lease runs out: the coordinator dispatches it again and the job completes
    CloseChunk.objects.filter(pk=second.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert close.dispatch(job) == 1
    job.refresh_from_db()
    assert job.finished_at is not None
    assert CloseChunk.objects.get(pk=second.pk).attempts == 1
    users_of_redone = [u for u in learners if second.first_user_id <= u <= second.last_user_id]
    assert_equal_to_from_scratch(users_of_redone + [u for u in learners if u >= third.first_user_id], 2026)


def test_progress_reports_done_total_rate_and_eta(world, clock):
    _tree, _learners = world
    job = close.create_job(years=[2026], chunk_size=5)
    state = close.progress(job)
    assert (state.learners_done, state.learners_total, state.rate, state.finished) == (0, 12, None, False)
    chunks = list(job.chunks.order_by("number"))
    close.run_chunk(chunks[0].pk)
    CloseChunk.objects.filter(pk=chunks[0].pk).update(started_at=timezone.now() - timedelta(seconds=10),
                                                      finished_at=timezone.now() - timedelta(seconds=5))
    state = close.progress(api_job := CloseJob.objects.get(pk=job.pk))
    assert state.learners_done == 5 and state.chunks_done == 1
    assert state.rate == pytest.approx(1.0, rel=1e-3) and state.eta_seconds == pytest.approx(7.0, rel=1e-3)
    data = api.year_close_status(api_job.pk)
    assert data["learners_done"] == 5 and data["learners_total"] == 12 and data["finished"] is False


def test_the_status_endpoint_shows_an_administrator_the_jobs_of_their_unit(world, client):
    tree, _learners = world
    admin = make_admin(tree["county"])
    job = close.create_job(node=tree["county"], years=[2026], chunk_size=5)
    other = close.create_job(years=[2026], chunk_size=5)  # every learner: not the county admin's
    close.run_inline(job)
    client.force_login(admin)
    response = client.get(f"/cadre/api/v1/close-jobs/{job.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["learners_done"] == body["learners_total"] == 12 and body["finished"] is True
    assert client.get(f"/cadre/api/v1/close-jobs/{other.pk}/").status_code == 404
    listed = client.get("/cadre/api/v1/units/AH-HF-SX/close-jobs/").json()
    assert [item["job_id"] for item in listed["jobs"]] == [job.pk]


def test_a_policy_change_queues_a_close_job_instead_of_recomputing_in_the_request(world,
                                                                                  django_capture_on_commit_callbacks,
                                                                                  monkeypatch):
    monkeypatch.setattr("cadre_policy_plugin.services.evaluation.current_year", lambda: 2026)
    tree, learners = world
    before = dict(YearStatus.objects.filter(year=2026).values_list("user_id", "total_needed"))
    county = tree["county"]
    county.overlay = OVERLAY_60
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        county.save()
    # the request only planned the job: nothing recomputed yet
    assert dict(YearStatus.objects.filter(year=2026).values_list("user_id", "total_needed")) == before
    job = CloseJob.objects.get(reason=CloseJob.Reason.POLICY_CHANGE)
    assert job.total_learners == 12 and len(callbacks) == 1
    callbacks[0]()  # the commit: chunks queued (eager Celery runs them here)
    job.refresh_from_db()
    assert job.finished_at is not None
    assert_equal_to_from_scratch(learners, 2026)


def test_a_learner_the_rules_refuse_is_skipped_and_the_chunk_still_completes(world):
    _tree, learners = world
    LearnerProfile.objects.filter(user_id=learners[1]).update(rank="emperor")  # no pack knows this rank
    YearStatus.objects.all().delete()
    job = close.create_job(years=[2026], chunk_size=50)
    state = close.run_inline(job)
    assert state.finished and state.skipped == 1 and state.learners_done == 12
    assert not YearStatus.objects.filter(user_id=learners[1]).exists()
    assert_equal_to_from_scratch([u for u in learners if u != learners[1]], 2026)


def test_the_unit_console_shows_a_running_close_and_lets_an_administrator_start_one(world, client):
    """
    The dashboard lists the unit's close jobs with done/total, chunks, rate and time
    left (a job half done shows its state, the script then follows the status API);
    a 管理员 starts a close of the shown year, a 联络员 sees the progress and no button.
    """
    from cadre_policy_plugin.models import AdministratorRole, UnitAdministrator
    from tests.plugin.factories import make_user

    tree, learners = world
    admin = make_admin(tree["county"])
    half = close.create_job(node=tree["county"], years=[2026], chunk_size=4)
    first = half.chunks.order_by("number").first()
    close.run_chunk(first.pk)
    client.force_login(admin)
    page = client.get("/cadre/manage/units/AH-HF-SX/", {"year": 2026}).content.decode()
    assert f'data-job="{half.pk}" data-finished="false"' in page
    assert f'data-status-url="/cadre/api/v1/close-jobs/{half.pk}/"' in page
    assert '<span data-close-done>4</span> / 12' in page and '<span data-close-chunks>1</span> / 3' in page
    assert 'data-testid="close-start"' in page

    response = client.post("/cadre/manage/units/AH-HF-SX/close/", {"year": 2026})
    assert response.status_code == 302 and response["Location"].endswith("?year=2026#close-jobs")
    half.refresh_from_db()
    assert half.finished_at is not None  # the unfinished job was resumed (eager Celery ran it), not doubled
    assert CloseJob.objects.filter(node=tree["county"]).count() == 1
    assert_equal_to_from_scratch(learners, 2026)
    page = client.get("/cadre/manage/units/AH-HF-SX/", {"year": 2026}).content.decode()
    assert f'data-job="{half.pk}" data-finished="true"' in page and '<span data-close-done>12</span> / 12' in page

    liaison = make_user("liaison_close")
    UnitAdministrator.objects.create(user=liaison, node=tree["county"], role=AdministratorRole.LIAISON)
    client.force_login(liaison)
    page = client.get("/cadre/manage/units/AH-HF-SX/", {"year": 2026}).content.decode()
    assert f'data-job="{half.pk}"' in page and 'data-testid="close-start"' not in page
    assert client.post("/cadre/manage/units/AH-HF-SX/close/", {"year": 2026}).status_code == 403


def test_the_packed_ledger_builds_entries_in_the_engines_field_order():
    from dataclasses import fields

    from cadre_policy_plugin import rules

    assert tuple(field.name for field in fields(rules.Entry)) == close.PACKED_ENTRY_FIELDS
