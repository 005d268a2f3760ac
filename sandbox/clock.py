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
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

ENV_VAR = "SANDBOX_NOW"
#: Optional: the real Unix time at which ``SANDBOX_NOW`` was read.  Processes started later
#: add the real time elapsed since, so that all of them share one timeline (a test's
#: workers started a minute apart agree on what time it is).
AT_VAR = "SANDBOX_NOW_AT"
SHANGHAI = ZoneInfo("Asia/Shanghai")
_started = []


def parse(moment):
    """An aware ``datetime`` from a ``datetime`` or an ISO 8601 string (naive means Shanghai)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment


def timeline_env(moment, real_at):
    """The environment that puts a subprocess on the timeline "``moment`` at real time ``real_at``"."""
    return {ENV_VAR: parse(moment).isoformat(), AT_VAR: repr(float(real_at))}


def start_from_environment(environ=None):
    """
    Travel to ``$SANDBOX_NOW`` (plus the real time elapsed since ``$SANDBOX_NOW_AT``, when
    given) when it is set; once per process.  Returns the traveller (or ``None``).
    """
    environ = environ if environ is not None else os.environ
    value = environ.get(ENV_VAR)
    if not value or _started:
        return _started[0] if _started else None
    try:
        moment = parse(value)
        if environ.get(AT_VAR):
            moment += timedelta(seconds=max(0.0, time.time() - float(environ[AT_VAR])))
    except ValueError as exc:
        raise SystemExit(f"{ENV_VAR}={value!r} / {AT_VAR} is not an ISO 8601 moment / a Unix time: {exc}") from exc
    import time_machine  # a test/sandbox requirement only, imported when the variable asks for it

    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    _started.append(traveller)
    return traveller
