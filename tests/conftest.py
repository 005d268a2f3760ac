"""
Shared pytest fixtures for every area's tests.

When ``CADRE_TEST_DB`` names a server database, the test database is only created
after :func:`tests.services.require_service` confirms the server is listening: on a
laptop the database tests are skipped with the reason, under ``CI=true`` they fail.
"""
import os

import pytest
from hypothesis import HealthCheck, settings

from tests.services import require_service

# Property tests judge what the code answers, never how fast: on a loaded CI machine a
# slow example must not turn into DeadlineExceeded or a too_slow health check (both
# reported as a flaky failure).  Examples stay random, so every run explores anew, and
# a failure prints the blob that replays it (@reproduce_failure).
settings.register_profile("cadre", deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("cadre")

_SERVICES = {
    "mysql": ("MariaDB", "127.0.0.1", 3306),
    "postgres": ("PostgreSQL", "127.0.0.1", 5432),
}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """pytest-django's hook that runs just before the test database is created."""
    service = _SERVICES.get(os.environ.get("CADRE_TEST_DB", "sqlite"))
    if service:
        require_service(*service)


@pytest.fixture(autouse=True)
def clock(request):
    """
    Every test runs on a named date (see ``tests/clock.py``): :data:`DEFAULT_NOW` unless it
    is marked ``@pytest.mark.now("…")``; the fixture's ``move_to`` moves it mid-test.
    """
    from tests.clock import DEFAULT_NOW, Clock

    marker = request.node.get_closest_marker("now")
    running = Clock(marker.args[0] if marker else DEFAULT_NOW)
    yield running
    running.stop()


@pytest.fixture(scope="session", autouse=True)
def _celery_reads_django_settings():
    """
    The LMS's Celery app reads ``CELERY_*`` from Django settings; so does the default
    app here, which makes ``.delay()`` eager (tests/settings.py) instead of publishing
    to whatever broker listens on localhost.
    """
    from celery import current_app  # pylint: disable=import-outside-toplevel

    current_app.config_from_object("django.conf:settings", namespace="CELERY")
    yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test starts with no requests counted (the throttles keep counts in the cache)."""
    yield
    from django.conf import settings

    if settings.configured:
        from django.core.cache import caches

        caches["default"].clear()
