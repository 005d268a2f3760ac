"""
Real services for the tests that need them.

A test that depends on MariaDB, PostgreSQL, Redis or RabbitMQ calls
:func:`require_service`; on a laptop without the service the test is skipped and says
why, but under ``CI=true`` a missing service is a failure, because CI must prove the
behaviour against the real thing.
"""
import os
import socket

import pytest


def in_ci():
    """CI sets ``CI=true``; then nothing may be skipped for a missing service."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def service_reachable(host, port, timeout=1.0):
    """True when a TCP connection to ``host:port`` opens."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(name, host, port):
    """Skip (or, under CI, fail) the calling test when ``name`` is not listening."""
    if service_reachable(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if in_ci():
        pytest.fail(f"{message}; CI=true requires it", pytrace=False)
    pytest.skip(message)
