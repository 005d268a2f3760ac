"""
Celery tasks: three-line wrappers around plain functions (the functions are tested
directly; the tasks only add scheduling).  Beat entries are in settings/common.py.
"""
from celery import shared_task
from celery.signals import worker_process_init

from sync_adapter import client, delivery, reconciliation
from sync_adapter.conf import sync_setting


@shared_task(name="sync_adapter.tasks.drain_outbox", ignore_result=True)
def drain_outbox():
    """Deliver due outbox rows until none is left or DRAIN_TIME_LIMIT is reached."""
    report = delivery.drain()
    return {"delivered": report.delivered, "dead": report.dead, "stopped": report.stopped}


@shared_task(name="sync_adapter.tasks.reconcile_registry", ignore_result=True)
def reconcile_registry(year=None):
    """Compare registry totals with the ledger; re-queue what is missing if configured."""
    report = reconciliation.reconcile(year=year, requeue=sync_setting("RECONCILE_REQUEUE_MISSING"))
    return {"checked": report.checked, "differences": len(report.differences), "requeued": report.requeued}


@worker_process_init.connect
def _fresh_connections_after_fork(**kwargs):  # pylint: disable=unused-argument
    """A prefork child must not reuse HTTP connections opened by its parent."""
    client.reset_session()
