"""
One clear line, not a traceback, when an operator command cannot reach what it needs.

``cadre_sync_reconcile`` printed a traceback when the registry was down (issue 13).
Every sync command runs inside :func:`operator_errors`: an unreachable registry or
database ends the command with one line on stderr naming which, and exit status
``UNREACHABLE`` (3), distinct from 1 ("differences found", "bad arguments") so cron
and alerting can tell an outage from a finding.  No ID number can appear in the line:
only exception types, the registry's URL and HTTP status codes are printed.
"""
import contextlib

import requests
from django.core.management.base import CommandError
from django.db import DatabaseError

from sync_adapter.client import TransportError
from sync_adapter.conf import sync_setting

UNREACHABLE = 3


def registry_unreachable(detail):
    return CommandError(f"the registry at {sync_setting('REGISTRY_URL') or '(not configured)'} cannot be reached: "
                        f"{detail}", returncode=UNREACHABLE)


@contextlib.contextmanager
def operator_errors():
    """Turn registry and database outages into one-line ``CommandError`` (exit 3)."""
    try:
        yield
    except TransportError as exc:
        raise registry_unreachable(exc.code) from None
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise registry_unreachable(f"it answered HTTP {status}") from None
    except requests.RequestException as exc:
        raise registry_unreachable(type(exc).__name__) from None
    except DatabaseError as exc:
        raise CommandError(f"the database cannot be used: {type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]}",
                           returncode=UNREACHABLE) from None
