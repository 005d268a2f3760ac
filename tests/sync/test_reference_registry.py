"""
The reference registry over real HTTP on loopback: signatures, idempotent storage,
per-record answers, totals, the received-records page and the misbehaviour switch.
"""
import json
import time

import pytest
import requests

from sync_adapter import signing
from sync_adapter.adapters.json_batch import canonical_json
from sync_adapter.client import RegistryClient, TransportError
from sync_adapter.outbox import idempotency_key
from sync_adapter.reference_registry.faults import FaultConfig, FaultInjector
from sync_adapter.reference_registry.validation import id_number_valid
from tests.sync import fakes
from tests.sync.conftest import KEY_ID, SECRET


def _client(registry, secret=SECRET, key_id=KEY_ID):
    return RegistryClient(registry.url, key_id=key_id, secret=secret, connect_timeout=1, read_timeout=2)


def _record(n=1, user_id=1001, hours="2.5", reverses=None, id_number=None, year=2026):
    return {
        "idempotency_key": idempotency_key(f"entry-{n}"), "record_id": f"entry-{n}", "version": 1,
        "reverses": reverses,
        "person": {"id_number": id_number or fakes.id_number_for(user_id), "name": "张三", "unit_code": "U1"},
        "region": "anhui", "academic_year": year, "earned_on": f"{year}-03-05", "source": "online_course",
        "category": "required", "hours": hours, "credits": None, "policy": "anhui-2019", "course": None,
        "evidence_type": "course_verified", "counted": hours is not None,
        "uncounted_reason": None if hours is not None else "outside_academic_year",
    }


def _batch(registry, records, **kwargs):
    return _client(registry, **kwargs).request("POST", "/v1/records/batch", canonical_json({"records": records}))


def test_unsigned_and_forged_requests_get_401(registry):
    body = canonical_json({"records": [_record()]})
    unsigned = requests.post(registry.url + "/v1/records/batch", data=body, timeout=2)
    assert unsigned.status_code == 401
    assert unsigned.json()["error"]["code"] == "signature_missing"
    forged = _batch(registry, [_record()], secret="not-the-secret")
    assert forged.status_code == 401
    assert forged.json()["error"]["code"] == "bad_signature"
    assert registry.store.counters()["stored"] == 0


def test_a_stale_timestamp_is_refused(registry):
    body = canonical_json({"records": [_record()]})
    headers = signing.sign_headers(KEY_ID, SECRET, "POST", "/v1/records/batch", body, now=time.time() - 301)
    response = requests.post(registry.url + "/v1/records/batch", data=body, headers=headers, timeout=2)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "stale_timestamp"


def test_records_are_stored_once_and_answered_one_by_one(registry):
    first = _batch(registry, [_record(1), _record(2)])
    assert first.status_code == 200
    results = first.json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert all(r["receipt_id"].startswith("R-") for r in results)

    again = _batch(registry, [_record(1), _record(3)]).json()["results"]
    assert [r["status"] for r in again] == ["duplicate", "accepted"]
    assert again[0]["receipt_id"] == results[0]["receipt_id"]

    changed = _batch(registry, [_record(2, hours="9")]).json()["results"]
    assert changed[0]["status"] == "conflict"
    counters = registry.store.counters()
    assert counters["stored"] == 3
    assert counters["duplicates"] == 1 and counters["conflicts"] == 1


def test_one_malformed_record_is_rejected_alone(registry):
    bad = _record(2, id_number=fakes.id_number_for(7, broken=True))
    results = _batch(registry, [_record(1), bad, _record(3)]).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    assert results[1]["error"]["code"] == "invalid_id_number"
    assert registry.store.counters()["stored"] == 2


def test_an_uncounted_record_is_filed_under_its_calendar_year_with_its_reason(registry):
    december = {**_record(1, hours=None), "earned_on": "2026-12-05"}
    results = _batch(registry, [december]).json()["results"]
    assert results[0]["status"] == "accepted"


@pytest.mark.parametrize("change, code", [
    ({"academic_year": None}, "missing_academic_year"),
    ({"academic_year": "2026"}, "bad_year"),
    ({"academic_year": True}, "bad_year"),
    ({"academic_year": 2025}, "academic_year_mismatch"),
    ({"counted": None}, "missing_counted"),
    ({"counted": "yes"}, "missing_counted"),
    ({"hours": None, "counted": True}, "counted_without_amount"),
    ({"uncounted_reason": "exam_not_passed"}, "reason_on_counted"),
    ({"counted": False, "uncounted_reason": "outside_academic_year"}, "amount_on_uncounted"),
    ({"counted": False, "hours": None, "uncounted_reason": None}, "missing_uncounted_reason"),
    ({"counted": False, "hours": None, "uncounted_reason": "No!"}, "missing_uncounted_reason"),
])
def test_the_registry_refuses_what_the_contract_forbids(registry, change, code):
    record = {**_record(1), **change}
    results = _batch(registry, [record]).json()["results"]
    assert results[0]["status"] == "rejected"
    assert results[0]["error"]["code"] == code
    assert registry.store.counters()["stored"] == 0


def test_a_record_without_the_academic_year_field_is_refused(registry):
    record = _record(1)
    del record["academic_year"]
    results = _batch(registry, [record]).json()["results"]
    assert results[0]["error"]["code"] == "missing_academic_year"


def test_the_single_record_endpoint_answers_201_200_409_422(registry):
    client = _client(registry)
    record = _record(5)
    path = f"/v1/records/{record['idempotency_key']}"
    assert client.request("PUT", path, canonical_json(record)).status_code == 201
    assert client.request("PUT", path, canonical_json(record)).json()["status"] == "duplicate"
    assert client.request("PUT", path, canonical_json({**record, "hours": "1"})).status_code == 409
    bad = {**record, "earned_on": "yesterday"}
    assert client.request("PUT", path, canonical_json(bad)).status_code == 422


def test_totals_sum_signed_amounts_per_person_and_year(registry):
    _batch(registry, [_record(1, hours="2.5"), _record(2, hours="1.5"), _record(3, hours="-2.5", reverses="entry-1"),
                      _record(4, hours="4", year=2025), _record(5, user_id=2002)])
    body = canonical_json({"queries": [{"ref": "a", "person_id": fakes.id_number_for(1001), "year": 2026}]})
    totals = _client(registry).request("POST", "/v1/totals", body).json()["totals"]
    assert totals == [{"ref": "a", "year": 2026, "hours": "1.5", "credits": "0", "record_count": 3,
                       "record_ids": ["entry-1", "entry-2", "entry-3"]}]


def test_a_reversal_before_its_entry_is_counted_as_out_of_order(registry):
    _batch(registry, [_record(9, hours="-1", reverses="entry-8")])
    assert registry.store.counters()["stored_out_of_order"] == 1


def test_the_page_lists_records_with_masked_id_numbers(registry):
    _batch(registry, [_record(1)])
    page = requests.get(registry.url + "/", timeout=2)
    assert page.status_code == 200
    assert "entry-1" in page.text
    assert fakes.id_number_for(1001) not in page.text
    assert fakes.id_number_for(1001)[-4:] in page.text


def test_misbehaviour_is_switched_on_over_http_and_repeats_with_a_seed(registry):
    faults = {"error_rate": 0.5, "rate_limit_rate": 0.2, "retry_after": 3, "seed": 42}
    assert requests.post(registry.url + "/admin/faults", data=json.dumps(faults), timeout=2).status_code == 200
    statuses = [_batch(registry, [_record(n)]).status_code for n in range(40)]
    assert set(statuses) == {200, 429, 503}
    replay = FaultInjector(FaultConfig.from_dict(faults))
    expected = {None: 200, "error": 503, "rate_limit": 429}
    assert statuses == [expected[replay.draw()] for _ in range(40)]
    throttled = next(n for n, status in enumerate(statuses) if status == 429)
    registry.misbehave(**{**faults, "seed": 42})
    for _ in range(throttled):
        _batch(registry, [_record(99)])
    assert _batch(registry, [_record(99)]).headers["Retry-After"] == "3"


def test_a_dropped_connection_is_a_connection_error(registry):
    registry.misbehave(drop_rate=1.0)
    with pytest.raises(TransportError) as raised:
        _batch(registry, [_record(1)])
    assert raised.value.code == "connection_error"
    assert registry.store.counters()["stored"] == 0


def test_a_lost_answer_stores_the_records_first(registry):
    registry.misbehave(lost_answer_rate=1.0)
    with pytest.raises(TransportError):
        _batch(registry, [_record(1)])
    assert registry.store.counters()["stored"] == 1


def test_the_fake_identity_numbers_are_valid_unless_broken():
    assert id_number_valid(fakes.id_number_for(42))
    assert not id_number_valid(fakes.id_number_for(42, broken=True))


def test_a_record_the_rules_did_not_count_is_filed_with_no_amount(registry):
    results = _batch(registry, [_record(1, hours=None)]).json()["results"]
    assert results[0]["status"] == "accepted"
