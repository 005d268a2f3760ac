"""
The reference registry on the wire: stdlib ``ThreadingHTTPServer`` speaking HTTP/1.1
with keep-alive (the client's pooled connections are reused, as with a real server).

:func:`start_in_thread` runs it inside a test or benchmark process on loopback.
"""
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from sync_adapter.reference_registry.app import DropConnection

log = logging.getLogger(__name__)


class RegistryRequestHandler(BaseHTTPRequestHandler):
    """Hands each request to the server's RegistryApp."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle plus the
    # client's delayed ACK adds ~40 ms to every keep-alive answer.
    disable_nagle_algorithm = True
    server_version = "CadreReferenceRegistry/1"

    def _serve(self):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            status, headers, payload = self.server.app.handle(
                self.command, parts.path, self.headers, body, query=parts.query)
        except DropConnection:
            self.close_connection = True
            return
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = _serve  # noqa: N815 - http.server's naming

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        # Paths carry no personal data (ID numbers travel in signed bodies only).
        log.debug("%s %s", self.address_string(), format % args)


class RegistryServer(ThreadingHTTPServer):
    """A threading HTTP server that owns one RegistryApp."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, app):
        super().__init__(address, RegistryRequestHandler)
        self.app = app

    @property
    def url(self):
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def start_in_thread(app, host="127.0.0.1", port=0):
    """Serve ``app`` on a background thread; returns the server (``.url``, ``.shutdown()``)."""
    server = RegistryServer((host, port), app)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="reference-registry", daemon=True)
    thread.start()
    return server
