"""Request signatures: what the registry accepts and what it refuses."""
import pytest

from sync_adapter import signing

KEYS = {"old": "s3cret-old", "new": "s3cret-new"}
BODY = b'{"records":[]}'


def _headers(key_id="new", secret="s3cret-new", path="/v1/records/batch", body=BODY, now=1_700_000_000):
    return signing.sign_headers(key_id, secret, "POST", path, body, now=now)


def test_a_signed_request_verifies():
    assert signing.verify(KEYS, "POST", "/v1/records/batch", _headers(), BODY, now=1_700_000_010) is None


def test_both_keys_verify_during_a_rotation():
    headers = _headers(key_id="old", secret="s3cret-old")
    assert signing.verify(KEYS, "POST", "/v1/records/batch", headers, BODY, now=1_700_000_000) is None


@pytest.mark.parametrize("change, expected", [
    ({"headers": {"X-Cadre-Key-Id": "nobody"}}, "unknown_key"),
    ({"now": 1_700_000_000 + 301}, "stale_timestamp"),
    ({"now": 1_700_000_000 - 301}, "stale_timestamp"),
    ({"body": b'{"records":[1]}'}, "body_hash_mismatch"),
    ({"path": "/v1/totals"}, "bad_signature"),
    ({"method": "PUT"}, "bad_signature"),
    ({"headers": {"X-Cadre-Signature": "0" * 64}}, "bad_signature"),
    ({"headers": {"X-Cadre-Signature": ""}}, "signature_missing"),
    ({"headers": {"X-Cadre-Timestamp": "yesterday"}}, "bad_timestamp"),
])
def test_forged_stale_or_tampered_requests_are_refused(change, expected):
    headers = {**_headers(), **change.get("headers", {})}
    problem = signing.verify(KEYS, change.get("method", "POST"), change.get("path", "/v1/records/batch"),
                             headers, change.get("body", BODY), now=change.get("now", 1_700_000_000))
    assert problem == expected


def test_a_signature_made_with_another_secret_is_refused():
    headers = _headers(key_id="new", secret="guessed")
    assert signing.verify(KEYS, "POST", "/v1/records/batch", headers, BODY, now=1_700_000_000) == "bad_signature"


def test_the_string_to_sign_covers_method_path_timestamp_and_body_hash():
    text = signing.string_to_sign("post", "/v1/x", "17", signing.body_digest(b"abc")).decode()
    assert text.split("\n") == ["POST", "/v1/x", "17", signing.body_digest(b"abc")]


def test_headers_match_the_published_recipe_computed_independently():
    """
    Adapter and reference registry share ``signing``; this known-answer test recomputes
    the signature from the recipe in docs/registry-openapi.yaml with hashlib/hmac only,
    so a change in the shared code cannot silently redefine the contract for both sides.
    """
    import hashlib
    import hmac

    headers = _headers(key_id="new", secret="s3cret-new", now=1_700_000_000)
    digest = hashlib.sha256(BODY).hexdigest()
    expected = hmac.new(b"s3cret-new", f"POST\n/v1/records/batch\n1700000000\n{digest}".encode(), hashlib.sha256)
    assert headers["X-Cadre-Key-Id"] == "new"
    assert headers["X-Cadre-Timestamp"] == "1700000000"
    assert headers["X-Cadre-Content-SHA256"] == digest
    assert headers["X-Cadre-Signature"] == expected.hexdigest()
