"""
The suite's clock: every test runs at a date it names, never at the machine's today.

The calendar decides everything in this domain (academic years, make-up months,
statistics periods, Anhui's December that counts for no year), so a test that read the
real date would pass in June and fail in December.  ``time-machine`` moves Python's clock
(``time.time``, ``datetime.now``, ``date.today`` and so Django's ``timezone.now``) for each
test:

* by default to :data:`DEFAULT_NOW`, a plain working day inside every pack's academic year;
* with ``@pytest.mark.now("2027-12-31T23:30:00+08:00")`` to the moment the test names;
* with the ``clock`` fixture's :meth:`Clock.move_to` to any moment during the test.

Subprocesses (the sandbox server, Celery workers, the reference registry) get
``SANDBOX_NOW`` from :meth:`Clock.env` and travel there through
:func:`sandbox.clock.start_from_environment`, so that they run on the same calendar as
the test that started them.

The real clock still ticks from the destination (``tick=True``) so that code measuring
durations or waiting for a subprocess behaves as it does in production.
"""
from __future__ import annotations

from datetime import datetime

from sandbox.clock import ENV_VAR, SHANGHAI, parse, timeline_env

#: A Tuesday in mid-June 2027, 10:00 in Shanghai: inside the academic year of all four
#: packs (Fujian to 20 Dec, Anhui to 31 Oct, Loudi and Inner Mongolia the calendar year),
#: outside every make-up and statistics period, far from midnight in UTC and locally.
DEFAULT_NOW = datetime(2027, 6, 15, 10, 0, tzinfo=SHANGHAI)


__all__ = ["DEFAULT_NOW", "ENV_VAR", "SHANGHAI", "Clock", "parse", "real_time"]


def real_time():
    """The machine's Unix time, whatever the test's clock says (time-machine's escape hatch)."""
    import time

    import time_machine

    return time_machine.escape_hatch.time.time() if time_machine.escape_hatch.is_travelling() else time.time()


class Clock:
    """The running test's clock: where it stands, and a way to move it."""

    def __init__(self, start):
        import time_machine

        self._time_machine = time_machine
        self._traveller = None
        self.move_to(start)

    def move_to(self, moment):
        """Jump to ``moment`` (it keeps ticking from there)."""
        self.stop()
        self._traveller = self._time_machine.travel(parse(moment), tick=True)
        self._traveller.start()
        return self

    def now(self):
        return datetime.now(tz=SHANGHAI)

    def env(self):
        """Environment entries that put a subprocess on this clock, ticking with it (see module doc)."""
        return timeline_env(self.now(), real_time())

    def stop(self):
        if self._traveller is not None:
            self._traveller.stop()
            self._traveller = None

