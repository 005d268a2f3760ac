"""
WSGI entry point, to run the reference registry behind gunicorn or uWSGI.

Configured by environment: ``CADRE_REGISTRY_KEYS`` (``id:secret,id2:secret2``),
``CADRE_REGISTRY_DB`` (SQLite path) and ``CADRE_REGISTRY_ADMIN_TOKEN``.  A WSGI
server cannot hang up mid-request, so the "drop" faults answer 503 here instead.
"""
import os

from sync_adapter.reference_registry.app import DropConnection, RegistryApp
from sync_adapter.reference_registry.cli import parse_keys
from sync_adapter.reference_registry.store import RecordStore


class _Headers(dict):
    def get(self, name, default=None):
        return super().get(name.lower(), default)


def make_wsgi_app(app):
    """Wrap a RegistryApp as a WSGI callable."""

    def application(environ, start_response):
        headers = _Headers()
        for name, value in environ.items():
            if name.startswith("HTTP_"):
                headers[name[5:].replace("_", "-").lower()] = value
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            status, out_headers, payload = app.handle(
                environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/"), headers, body,
                query=environ.get("QUERY_STRING", ""))
        except DropConnection:
            status, out_headers, payload = 503, {"Content-Type": "application/json"}, b'{"error":{"code":"dropped"}}'
        start_response(f"{status} {'OK' if status < 400 else 'ERROR'}",
                       [*out_headers.items(), ("Content-Length", str(len(payload)))])
        return [payload]

    return application


def _from_environment():
    keys = parse_keys(os.environ.get("CADRE_REGISTRY_KEYS", ""))
    store = RecordStore(os.environ.get("CADRE_REGISTRY_DB", "reference-registry.sqlite3"))
    return make_wsgi_app(RegistryApp(keys, store, admin_token=os.environ.get("CADRE_REGISTRY_ADMIN_TOKEN", "")))


application = _from_environment() if os.environ.get("CADRE_REGISTRY_KEYS") else None
