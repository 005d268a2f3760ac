"""
The year-end close as a job of chunks (ADR 0017).

A ``CloseJob`` recomputes the year statuses (and annual certificates) of every learner
below a node, or of all learners, for one or more years.  At creation the learners are
split, in user-id order, into ``CloseChunk`` rows of at most ``CLOSE_CHUNK_SIZE``
learners (a user-id range each); every chunk is one Celery task that any worker may run.

A chunk is claimed by a short UPDATE that sets ``state=running`` and a lease; its
statuses and its ``state=done`` commit in one transaction, so a chunk is either wholly
redone or wholly done.  A worker killed mid-chunk leaves ``running`` with a lease that
runs out; the coordinator (the command, or a re-run of it) dispatches such chunks again.
Recomputing a chunk twice writes the same rows (the ledger is the truth), so a
duplicate task is harmless.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CloseJob(models.Model):
    """One recompute run over a set of learners and years."""

    class Reason(models.TextChoices):
        COMMAND = "command", _("Operator command")
        POLICY_CHANGE = "policy_change", _("Policy or overlay changed")
        API = "api", _("Requested through the API")

    scope_key = models.CharField(_("scope"), max_length=255, db_index=True,
                                 help_text=_("Node code (or * for every learner) and years: a re-run resumes it."))
    node = models.ForeignKey("cadre_policy.OrgNode", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("organisation node"))
    years = models.JSONField(_("academic years"), default=list)
    user_ids = models.JSONField(_("only these users"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices, default=Reason.COMMAND)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("requested by"))
    total_learners = models.PositiveIntegerField(_("learners"), default=0)
    total_chunks = models.PositiveIntegerField(_("chunks"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("year-end close job")
        verbose_name_plural = _("year-end close jobs")
        ordering = ("-created", "-id")

    def __str__(self):
        return f"close {self.pk} {self.scope_key}"


class ChunkState(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class CloseChunk(models.Model):
    """Learners with ``first_user_id <= user_id <= last_user_id`` of one job."""

    job = models.ForeignKey(CloseJob, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    first_user_id = models.BigIntegerField()
    last_user_id = models.BigIntegerField()
    learners = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=8, choices=ChunkState.choices, default=ChunkState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=255, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    skipped = models.PositiveIntegerField(default=0, help_text=_("Learners no policy applies to."))

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("close chunk")
        verbose_name_plural = _("close chunks")
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="cadre_closechunk_once")]
        indexes = [models.Index(fields=["job", "state"])]

    def __str__(self):
        return f"chunk {self.number} of job {self.job_id} ({self.state})"
