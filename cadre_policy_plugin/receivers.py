"""
Django model signals that keep the year-status cache honest.

A learner's rank, unit or registration date, or a node's policy or overlay, changes
what the engine says about the learner's year.  A profile change recomputes that
learner's cached years inside the same transaction; a node's change queues a close
job over its subtree (``services/close.py``) when the transaction commits.  (Ledger changes recompute
their own year in ``services/ledger.py``.)

``user_logged_in`` copies the learner's forced-password-change flag into the session,
where ``PasswordChangeRequiredMiddleware`` reads it (no query per request).
"""
import logging

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from cadre_policy_plugin.conf import cadre_setting
from cadre_policy_plugin.models import LearnerProfile, OrgNode
from cadre_policy_plugin.services.evaluation import recompute_for_user

log = logging.getLogger(__name__)

PROFILE_POLICY_FIELDS = ("rank", "unit_id", "registered_on")
NODE_POLICY_FIELDS = ("policy_key", "overlay", "parent_id")


def _changed(instance, fields):
    if instance.pk is None:
        return True
    before = type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    return before is None or any(before[name] != getattr(instance, name) for name in fields)


@receiver(pre_save, sender=LearnerProfile, dispatch_uid="cadre_policy.profile_pre_save")
def _profile_pre_save(sender, instance, raw=False, **kwargs):
    instance._cadre_policy_changed = not raw and _changed(instance, PROFILE_POLICY_FIELDS)


@receiver(post_save, sender=LearnerProfile, dispatch_uid="cadre_policy.profile_post_save")
def recompute_after_profile_change(sender, instance, raw=False, created=False, **kwargs):
    if raw or created or not getattr(instance, "_cadre_policy_changed", False):
        return
    recompute_for_user(instance.user)


@receiver(pre_save, sender=OrgNode, dispatch_uid="cadre_policy.node_pre_save")
def _node_pre_save(sender, instance, raw=False, **kwargs):
    instance._cadre_policy_changed = not raw and instance.pk is not None and _changed(instance, NODE_POLICY_FIELDS)


@receiver(post_save, sender=OrgNode, dispatch_uid="cadre_policy.node_post_save")
def recompute_after_policy_change(sender, instance, raw=False, **kwargs):
    """
    Queue a close job for the current year of every learner below a node whose policy
    changed: the chunks are planned in this transaction and queued when it commits, so
    the request that saved the node never recomputes a subtree itself.
    """
    if raw or not getattr(instance, "_cadre_policy_changed", False):
        return
    instance._cadre_policy_changed = False
    if not cadre_setting("RECOMPUTE_ON_POLICY_CHANGE"):
        log.info("policy of node %s changed; recompute skipped (RECOMPUTE_ON_POLICY_CHANGE off)", instance.pk)
        return
    from cadre_policy_plugin.models import CloseJob
    from cadre_policy_plugin.services import close
    from cadre_policy_plugin.services.evaluation import current_year

    job = close.create_job(node=instance, years=[current_year()], reason=CloseJob.Reason.POLICY_CHANGE)
    log.info("policy of node %s changed; close job %s queued for %s learner(s)", instance.pk, job.pk,
             job.total_learners)
    if job.total_chunks:
        transaction.on_commit(lambda: close.dispatch(job, force=True))


@receiver(user_logged_in, dispatch_uid="cadre_policy.password_change_flag")
def remember_forced_password_change(sender, request=None, user=None, **kwargs):
    """Flag the new session of a learner who holds an initial password (see middleware)."""
    from cadre_policy_plugin.middleware import SESSION_KEY
    from cadre_policy_plugin.services.accounts import must_change_password

    if request is None or not hasattr(request, "session") or user is None:
        return
    if must_change_password(user):
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)
