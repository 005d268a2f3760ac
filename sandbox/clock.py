"""
The sandbox's pretend date: ``SANDBOX_NOW=2027-12-05T09:00+08:00 ./sandbox/run``.

The calendar decides what a learner's hours count for (Anhui's December counts for no
year, Fujian's 21–31 Dec is a statistics period), so a demonstration or a browser test
must be able to run the whole system on a chosen day.  When ``SANDBOX_NOW`` is set the
sandbox process (and every subprocess the test suite starts with it) travels there with
``time-machine`` and keeps ticking from that moment; unset, nothing changes.  The
product itself never reads this variable: only the sandbox and the test hosts do.
"""
import os
from datetime import datetime
from zoneinfo import ZoneInfo

ENV_VAR = "SANDBOX_NOW"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def parse(moment):
    """An aware ``datetime`` from a ``datetime`` or an ISO 8601 string (naive means Shanghai)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment


def start_from_environment(environ=None):
    """Travel to ``$SANDBOX_NOW`` when it is set; returns the traveller (or ``None``)."""
    value = (environ if environ is not None else os.environ).get(ENV_VAR)
    if not value:
        return None
    try:
        moment = parse(value)
    except ValueError as exc:
        raise SystemExit(f"{ENV_VAR}={value!r} is not an ISO 8601 date and time: {exc}") from exc
    import time_machine  # a test/sandbox requirement only, imported when the variable asks for it

    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    return traveller
