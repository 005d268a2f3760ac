"""
Changing a node's policy pack or overlay: academy staff only, every change audited
with what it was before and after.

Why before/after in the audit row: an overlay decides who is "met" (a quota of 50
lowered to 1 certifies everybody, issue 10); whoever reads the audit log must see
exactly what changed, not that "something" did.  Overlays carry rules, never personal
data, so their text may be kept whole.
"""
from django.db import transaction

from cadre_policy_plugin.services import roles
from cadre_policy_plugin.services.audit import audit

POLICY_FIELDS = ("policy_key", "overlay")


def policy_snapshot(node):
    """The stored ``policy_key`` and ``overlay`` of ``node`` (empty for a new node)."""
    if node.pk is None:
        return {name: "" for name in POLICY_FIELDS}
    stored = type(node).objects.filter(pk=node.pk).values(*POLICY_FIELDS).first() or {}
    return {name: stored.get(name, "") for name in POLICY_FIELDS}


def audit_policy_change(actor, node, before, *, reason=""):
    """One ``org_node.policy`` audit row when ``policy_key`` or ``overlay`` changed; else nothing."""
    changes = {name: {"before": before.get(name, ""), "after": getattr(node, name)}
               for name in POLICY_FIELDS if before.get(name, "") != getattr(node, name)}
    if not changes:
        return None
    return audit(actor, "org_node.policy", target=node, reason=reason, detail={"node": node.code, **changes})


def set_node_policy(node, *, by, policy_key=None, overlay=None, reason=""):
    """
    Set ``node``'s pack key and/or overlay as academy staff ``by``: validated (installed
    pack keys only, the overlay and every overlay below must still apply), saved and
    audited in one transaction.  Raises ``PermissionDenied`` for anyone else and
    ``ValidationError`` for a value the rules refuse.
    """
    roles.require_academy_staff(by)
    with transaction.atomic():
        before = policy_snapshot(node)
        if policy_key is not None:
            node.policy_key = policy_key.strip()
        if overlay is not None:
            node.overlay = overlay
        node.full_clean()
        node.save()
        audit_policy_change(by, node, before, reason=reason)
    return node
