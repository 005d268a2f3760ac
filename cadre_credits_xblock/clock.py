"""
The server clock the verification reads.

Every time reading goes through :func:`now` so tests (and the benchmark) drive the
clock themselves instead of sleeping: ``monkeypatch.setattr(clock, "now", fake)``.
Call it as ``clock.now()`` (never ``from .clock import now``) so replacing it works.
"""
from django.utils import timezone


def now():
    """The current server time (aware datetime)."""
    return timezone.now()
