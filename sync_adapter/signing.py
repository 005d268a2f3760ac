"""
HMAC-SHA256 request signatures shared by the client and the reference registry.

The signed string is ``METHOD \\n PATH \\n TIMESTAMP \\n sha256(body)``: the method and
path stop a signature for one endpoint being replayed on another, the timestamp lets
the registry refuse stale requests (300 s window), and hashing the body keeps the
signed string short whatever the batch size.  Pure Python, no Django: the reference
registry imports it too.
"""
import hashlib
import hmac
import time

KEY_ID_HEADER = "X-Cadre-Key-Id"
TIMESTAMP_HEADER = "X-Cadre-Timestamp"
CONTENT_HASH_HEADER = "X-Cadre-Content-SHA256"
SIGNATURE_HEADER = "X-Cadre-Signature"

#: Seconds a signed request stays valid either side of the registry's clock.
MAX_SKEW_SECONDS = 300


def body_digest(body: bytes) -> str:
    """Hex sha256 of the request body."""
    return hashlib.sha256(body or b"").hexdigest()


def string_to_sign(method: str, path: str, timestamp: str, digest: str) -> bytes:
    """The exact bytes both sides sign."""
    return "\n".join((method.upper(), path, str(timestamp), digest)).encode()


def signature(secret: str, method: str, path: str, timestamp: str, digest: str) -> str:
    """Hex HMAC-SHA256 of the string to sign."""
    return hmac.new(secret.encode(), string_to_sign(method, path, timestamp, digest), hashlib.sha256).hexdigest()


def sign_headers(key_id: str, secret: str, method: str, path: str, body: bytes, now=None) -> dict:
    """The four headers that authenticate one request."""
    timestamp = str(int(now if now is not None else time.time()))
    digest = body_digest(body)
    return {
        KEY_ID_HEADER: key_id,
        TIMESTAMP_HEADER: timestamp,
        CONTENT_HASH_HEADER: digest,
        SIGNATURE_HEADER: signature(secret, method, path, timestamp, digest),
    }


def verify(keys: dict, method: str, path: str, headers, body: bytes, now=None):
    """
    Check a request's signature; return ``None`` when valid, else an error code.

    ``headers`` is any case-insensitive-enough mapping with ``.get``; ``keys`` maps
    key ids to secrets (several during a rotation).
    """
    key_id = headers.get(KEY_ID_HEADER) or ""
    timestamp = headers.get(TIMESTAMP_HEADER) or ""
    claimed = headers.get(SIGNATURE_HEADER) or ""
    if not (key_id and timestamp and claimed):
        return "signature_missing"
    secret = keys.get(key_id)
    if not secret:
        return "unknown_key"
    try:
        stamp = int(timestamp)
    except ValueError:
        return "bad_timestamp"
    if abs((now if now is not None else time.time()) - stamp) > MAX_SKEW_SECONDS:
        return "stale_timestamp"
    digest = body_digest(body)
    if not hmac.compare_digest(headers.get(CONTENT_HASH_HEADER) or digest, digest):
        return "body_hash_mismatch"
    expected = signature(secret, method, path, timestamp, digest)
    if not hmac.compare_digest(expected, claimed):
        return "bad_signature"
    return None
