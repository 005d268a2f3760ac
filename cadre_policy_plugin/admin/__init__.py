"""
Django admin for the plugin: academy staff only (one module per concept; ADR 0015).

The admin is the academy's tool (the ``cadre_policy.manage_academy`` permission, or a
superuser): the organisation tree, policy packs and overlays, course credit specs,
unit administrators, and read access to every file.  Unit administrators hold no
``is_staff`` and work in the console (``/cadre/manage/``) instead; Open edX staff
without the academy permission get 403 here.  No page offers an ID-number lookup or
filter, lists the platform's accounts, shows a user name that is an ID number, or acts
on a staff account (``admin/scoping.py``).  Every change is written to the audit log.
"""
from cadre_policy_plugin.admin import courses, learners, ledger, org, records  # noqa: F401
