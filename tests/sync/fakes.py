"""
Stand-ins for the policy plugin, used by the sync tests and the worker subprocesses.

* :func:`registry_identities` (a batch) and :func:`registry_identity` derive a valid ID number from the user id (GB 11643
  check character), except for users listed in the file named by the environment
  variable ``CADRE_SYNC_TEST_BROKEN_USERS`` (or added to :data:`BROKEN_USERS`): they get
  an ID number with a wrong check character, which the reference registry refuses.
  The file lets a test "fix" a learner while a separate worker process runs.
* :class:`FakeLedger` records changes the way the plugin does: one transaction per
  change, ``ledger_entry_recorded`` sent inside it, and keeps them in memory for
  :func:`year_totals` / :func:`get_ledger_entry`.
"""
import json
import os
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import transaction

from cadre_policy_plugin.data import LedgerEntryData, RegistryIdentity, YearTotals
from cadre_policy_plugin.signals import ledger_entry_recorded
from sync_adapter.reference_registry.validation import id_number_check_char

BROKEN_USERS = set()
ENTRIES = {}


def _broken_from_file():
    path = os.environ.get("CADRE_SYNC_TEST_BROKEN_USERS")
    if not path or not os.path.exists(path):
        return set()
    with open(path, encoding="utf-8") as handle:
        return set(json.load(handle))


def id_number_for(user_id, *, broken=False):
    """A deterministic, well-formed ID number (or one with a wrong check character)."""
    first17 = f"110101199001{int(user_id) % 100000:05d}"
    check = id_number_check_char(first17)
    if broken:
        check = "0" if check != "0" else "1"
    return first17 + check


def registry_identity(user_id):
    """The fake of ``cadre_policy_plugin.api.registry_identity``."""
    if int(user_id) < 0:
        raise LookupError(f"user {user_id} has no learner profile")
    broken = int(user_id) in BROKEN_USERS or int(user_id) in _broken_from_file()
    return RegistryIdentity(user_id=int(user_id), id_number=id_number_for(user_id, broken=broken),
                            real_name=f"学员{user_id}", unit_code="U-001", region_key="anhui")


def registry_identities(user_ids):
    """The fake of ``cadre_policy_plugin.api.registry_identities`` (a batch; unknown users left out)."""
    return {int(user_id): registry_identity(user_id) for user_id in user_ids if int(user_id) >= 0}


def make_entry(user_id, hours="2.5", *, year=2026, reverses=None, credits=None, entry_uuid=None):
    """A LedgerEntryData as the plugin would publish it."""
    return LedgerEntryData(
        uuid=entry_uuid or str(uuid.uuid4()), user_id=int(user_id), source="online_course", category="required",
        hours=Decimal(hours) if hours is not None else None, credits=Decimal(credits) if credits else None,
        earned_on=date(year, 3, 5), academic_year=year, policy_key="anhui-2019", evidence_type="course_verified",
        evidence_ref="course-v1:Org+C1+2026", reason="测试原因 not for the registry", reverses=reverses,
        created=datetime.now(UTC), course_key="course-v1:Org+C1+2026",
    )


def reversal_of(entry):
    """The reversing entry the plugin writes (negated amounts, ``reverses`` set)."""
    return make_entry(entry.user_id, hours=str(-entry.hours) if entry.hours is not None else None,
                      year=entry.academic_year, reverses=entry.uuid)


def record(entry):
    """Write one ledger change as the plugin does: signal sent inside the transaction."""
    with transaction.atomic():
        ledger_entry_recorded.send(sender=LedgerEntryData, entry=entry)
        ENTRIES[entry.uuid] = entry
    return entry


def year_totals(user_id, year):
    """The fake of ``api.year_totals`` over the entries recorded through :func:`record`."""
    rows = [e for e in ENTRIES.values() if e.user_id == int(user_id) and e.academic_year == year]
    return YearTotals(
        user_id=int(user_id), year=year,
        hours=sum((e.hours for e in rows if e.hours is not None), Decimal(0)),
        credits=sum((e.credits for e in rows if e.credits is not None), Decimal(0)),
        entry_count=len(rows), entry_uuids=tuple(e.uuid for e in rows),
    )


def get_ledger_entry(entry_uuid):
    """The fake of ``api.get_ledger_entry``."""
    return ENTRIES.get(entry_uuid)


def exploding_identity(user_id):
    """A provider failing in an unexpected way, with an ID number in its message."""
    raise RuntimeError(f"database hiccup while reading {id_number_for(user_id)}")


def exploding_identities(user_ids):
    """A batch provider failing in an unexpected way, with an ID number in its message."""
    raise RuntimeError(f"database hiccup while reading {id_number_for(next(iter(user_ids)))}")
