"""
docs/registry-openapi.yaml describes what the reference registry really answers and
what the adapter really sends (validated with jsonschema, OpenAPI's ``nullable``
translated to JSON Schema).
"""
from pathlib import Path

import jsonschema
import pytest
import yaml

from sync_adapter import delivery
from sync_adapter.adapters import get_adapter
from sync_adapter.adapters.json_batch import canonical_json
from sync_adapter.client import RegistryClient
from sync_adapter.conf import sync_config
from sync_adapter.models import OutboxRecord
from tests.sync import fakes
from tests.sync.conftest import KEY_ID, SECRET

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "docs" / "registry-openapi.yaml").read_text())


def _json_schema(node):
    """OpenAPI 3.0 schema -> JSON Schema (nullable, local refs)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _json_schema(SPEC["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]])
    out = {key: _json_schema(value) for key, value in node.items() if key not in ("nullable", "example")}
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


def schema(name):
    return _json_schema(SPEC["components"]["schemas"][name])


def test_every_path_the_registry_serves_is_in_the_contract():
    assert {"/v1/records/batch", "/v1/records/{idempotency_key}", "/v1/totals", "/v1/health",
            "/admin/faults", "/admin/stats"} <= set(SPEC["paths"])


@pytest.mark.django_db
def test_the_adapter_sends_records_and_the_registry_answers_as_documented(registry, sync):
    fakes.BROKEN_USERS.add(1002)
    entry = fakes.record(fakes.make_entry(1001, "2"))
    fakes.record(fakes.reversal_of(entry))
    fakes.record(fakes.make_entry(1002, "1"))
    adapter = get_adapter(sync_config())
    rows = list(OutboxRecord.objects.order_by("id"))
    records, _ = delivery.build_records(adapter, rows, sync_config())
    for record in records:
        jsonschema.validate(record.body, schema("Record"))
    client = RegistryClient(registry.url, key_id=KEY_ID, secret=SECRET, connect_timeout=1, read_timeout=2)
    answer = client.request("POST", "/v1/records/batch", canonical_json({"records": [r.body for r in records]}))
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted", "rejected"]
    for result in results:
        jsonschema.validate(result, schema("RecordResult"))
    totals = client.request("POST", "/v1/totals", canonical_json(
        {"queries": [{"ref": "q", "person_id": fakes.id_number_for(1001), "year": 2026}]})).json()["totals"]
    jsonschema.validate(totals[0], schema("Totals"))
    bad = client.request("POST", "/v1/records/batch", b"not json")
    jsonschema.validate(bad.json(), schema("Error"))


@pytest.mark.django_db
def test_an_uncounted_entry_is_sent_as_the_contract_says_and_accepted(registry, sync):
    """An Anhui December entry: academic_year None in the ledger, filed under 2026, counted false."""
    import dataclasses
    from datetime import date

    december = dataclasses.replace(fakes.make_entry(1001, None), earned_on=date(2026, 12, 5), academic_year=None,
                                   excluded_reason="outside_academic_year")
    fakes.record(december)
    adapter = get_adapter(sync_config())
    records, _ = delivery.build_records(adapter, list(OutboxRecord.objects.all()), sync_config())
    (record,) = records
    jsonschema.validate(record.body, schema("Record"))
    assert (record.body["academic_year"], record.body["counted"], record.body["uncounted_reason"]) == (
        2026, False, "outside_academic_year")
    assert record.body["hours"] is None and record.body["credits"] is None
    client = RegistryClient(registry.url, key_id=KEY_ID, secret=SECRET, connect_timeout=1, read_timeout=2)
    answer = client.request("POST", "/v1/records/batch", canonical_json({"records": [record.body]}))
    assert answer.json()["results"][0]["status"] == "accepted"


def test_the_fault_settings_match_the_contract(registry):
    import requests

    current = requests.get(registry.url + "/admin/faults", timeout=2).json()
    jsonschema.validate(current, {**schema("Faults"), "additionalProperties": False})
