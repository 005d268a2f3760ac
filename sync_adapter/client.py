"""
The HTTP side of talking to a registry: one pooled ``requests.Session`` per process.

Adapters build bodies and read answers; this module owns the connection pool, the
explicit (connect, read) timeouts and the signing, so every adapter gets them right.
Transport failures are returned as :class:`TransportError` values, never raised past
the adapter, because the delivery code decides what a failure means for each record.
"""
import logging
import threading
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from sync_adapter import signing

log = logging.getLogger(__name__)

_local = threading.local()


class TransportError(Exception):
    """The request did not produce an HTTP answer (timeout, refused, reset)."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def session_for(pool_maxsize=4):
    """The per-thread Session (Sessions are not thread-safe; pools are reused)."""
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        # No automatic retries: a retry is a delivery decision, taken per record.
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_maxsize, max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.headers["User-Agent"] = "cadre-sync/1"
        _local.session = session
    return session


def reset_session():
    """Drop this thread's Session (after a fork, or in tests)."""
    session = getattr(_local, "session", None)
    if session is not None:
        session.close()
        _local.session = None


class RegistryClient:
    """Signed JSON requests to one registry base URL."""

    def __init__(self, base_url, *, key_id, secret, connect_timeout, read_timeout, pool_maxsize=4):
        self.base_url = base_url.rstrip("/") + "/"
        self.key_id = key_id
        self.secret = secret
        self.timeout = (float(connect_timeout), float(read_timeout))
        self.pool_maxsize = pool_maxsize

    def url(self, path):
        return urljoin(self.base_url, path.lstrip("/"))

    def request(self, method, path, body: bytes):
        """
        Send one signed request; return the ``requests.Response`` (any status).

        Raises :class:`TransportError` when no HTTP answer arrived.
        """
        url = self.url(path)
        signed_path = urlsplit(url).path
        headers = {"Content-Type": "application/json"}
        headers.update(signing.sign_headers(self.key_id, self.secret, method, signed_path, body))
        try:
            return session_for(self.pool_maxsize).request(
                method, url, data=body, headers=headers, timeout=self.timeout
            )
        except requests.exceptions.ConnectTimeout as exc:
            raise TransportError("connect_timeout", type(exc).__name__) from exc
        except requests.exceptions.ReadTimeout as exc:
            raise TransportError("read_timeout", type(exc).__name__) from exc
        except requests.exceptions.ConnectionError as exc:
            raise TransportError("connection_error", type(exc).__name__) from exc
        except requests.exceptions.RequestException as exc:
            raise TransportError("request_error", type(exc).__name__) from exc
