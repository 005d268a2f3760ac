"""
Django admin for the plugin, scoped to the administrator's subtree (one module per concept).

A unit administrator (a ``UnitAdministrator`` row, plus ``is_staff`` to log in) sees and
edits only the learners, entries and statuses below their own node; superusers see
everything.  The ``UnitAdministrator`` row is the permission: no Django model
permissions need to be granted.  Every change is written to the audit log.
"""
from cadre_policy_plugin.admin import courses, learners, ledger, org, records  # noqa: F401
