"""Write the administrator audit trail (who, when, what, why)."""
import logging

from cadre_policy_plugin.models import AuditLog

log = logging.getLogger(__name__)


def audit(actor, action, *, target=None, learner=None, reason="", detail=None):
    """
    Record one administrator action.

    ``detail`` must already be free of ID numbers (pass masked values); ``target`` is any
    model instance (its class name and pk are kept).
    """
    row = AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(getattr(target, "uuid", None) or getattr(target, "pk", "") or "") if target is not None else "",
        learner=learner,
        reason=reason or "",
        detail=detail or {},
    )
    log.info("audit: %s by user %s on %s:%s", action, getattr(actor, "pk", None), row.target_type, row.target_id)
    return row
