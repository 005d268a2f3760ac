"""
Celery tasks of the policy plugin: three-line wrappers around ``services`` functions.

``close_chunk`` is one chunk of a year-end close (``services/close.py``).  It is
acknowledged late and rejected when its worker is lost, so a broker that redelivers
gives the chunk to another worker; the chunk's lease covers brokers that do not (the
coordinator dispatches it again).  Running it twice is harmless.
"""
from celery import shared_task

from cadre_policy_plugin.services import close


@shared_task(name="cadre_policy.close_chunk", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def close_chunk(chunk_id):
    """Recompute one chunk of a close job (returns the learners recomputed, or None)."""
    return close.run_chunk(chunk_id)
