"""
Rows the server keeps to verify learning time (docs/decisions/0020).

Four tables, shaped by what one heartbeat must read and write:

* :class:`LearnerClock` — one row per learner, the row every request of that learner
  locks (``SELECT ... FOR UPDATE``).  It names the learner's one live session and
  keeps today's credited seconds for the daily cap.  Locking one row per learner is
  what makes "one live session across all blocks and devices" hold when two devices
  start at the same moment.
* :class:`LearningSession` — one row per opened viewing: the evidence behind a
  block's verified time (token id, sequence number, last heartbeat, seconds credited
  and voided, whether it was superseded).
* :class:`BlockProgress` — one row per learner and block: the verified frontier,
  the attention-check state, and when the block became complete.
* :class:`AttentionCheck` — one row per check asked: what was shown, what was chosen,
  how fast, how it ended (written only when a check is issued or settled).

Verified time is never the browser's number: everything here is written only by
:mod:`cadre_credits_xblock.sessions` from results of the pure
:mod:`cadre_credits_xblock.verification` module.
"""
from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField, UsageKeyField

SECONDS = {"max_digits": 12, "decimal_places": 3}


class BlockProgress(models.Model):
    """
    A learner's verified state in one credit block, across all sessions.

    ``verified_seconds`` is the end of the contiguous verified media prefix (the
    frontier); ``state`` holds the rest of :class:`verification.Progress`
    (checkpoint, provisional seconds by day, planned and pending checks).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course_key = CourseKeyField(max_length=255, db_index=True)
    usage_key = UsageKeyField(max_length=255)
    verified_seconds = models.DecimalField(default=0, **SECONDS)
    checks_passed = models.PositiveIntegerField(default=0)
    state = models.JSONField(default=dict, blank=True)
    completed = models.DateTimeField(null=True, blank=True)
    reported = models.DateTimeField(
        null=True, blank=True, help_text="When the policy plugin was told this block is verified."
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "usage_key"], name="cadre_credits_progress_once")]
        verbose_name_plural = "block progress"

    def __str__(self):
        return f"{self.user_id} {self.usage_key}: {self.verified_seconds}s"


class LearningSession(models.Model):
    """
    One viewing of one block on one device, identified by the id in its signed token.

    Only the session named by the learner's :class:`LearnerClock` earns; a newer
    session supersedes it and its later heartbeats are refused and logged.
    """

    LIVE = "live"
    SUPERSEDED = "superseded"
    STATUS_CHOICES = [(LIVE, "live"), (SUPERSEDED, "superseded")]

    token_id = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    progress = models.ForeignKey(BlockProgress, on_delete=models.CASCADE, related_name="sessions")
    course_key = CourseKeyField(max_length=255)
    usage_key = UsageKeyField(max_length=255)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=LIVE)
    started = models.DateTimeField()
    last_seen = models.DateTimeField()
    ended = models.DateTimeField(null=True, blank=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    credited_seconds = models.DecimalField(default=0, **SECONDS)
    voided_seconds = models.DecimalField(default=0, **SECONDS)
    refused_requests = models.PositiveIntegerField(default=0)
    state = models.JSONField(default=dict, blank=True)
    # .. pii: the client's address and browser, for the shared-device review (ADR 0022).
    # .. pii_types: ip_address, other
    # .. pii_retirement: CADRE_CREDITS CLIENT_DATA_RETENTION_DAYS, then
    #    ``manage.py cadre_credits_purge_client_data`` blanks them.  Never logged.
    client_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["user", "started"], name="cadre_credits_session_user"),
            models.Index(fields=["client_address", "status"], name="cadre_credits_session_client"),
        ]

    def __str__(self):
        return f"{self.token_id} ({self.status})"


class AttentionCheck(models.Model):
    """
    One attention check as it was asked and settled: evidence kept with the session.

    What the learner saw (the question's text, or that it was a picture, and the
    choices in their order), the right choice ids and what the learner chose, when it
    was issued and answered (``response_ms``, by the server's clock) and how it ended.
    The review flags (answers faster than a person reads, every answer in the same
    time) are computed from these rows.
    """

    PENDING = "pending"
    PASSED = "passed"
    WRONG = "wrong"
    EXPIRED = "expired"
    OUTCOMES = [(PENDING, "pending"), (PASSED, "passed"), (WRONG, "wrong"), (EXPIRED, "expired")]

    session = models.ForeignKey(LearningSession, on_delete=models.CASCADE, related_name="checks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    progress = models.ForeignKey(BlockProgress, on_delete=models.CASCADE, related_name="checks")
    check_id = models.CharField(max_length=32)
    kind = models.CharField(max_length=16)
    question_id = models.CharField(max_length=32, blank=True, default="")
    text = models.TextField(blank=True, default="")
    choices = models.JSONField(default=list)
    correct = models.JSONField(default=list)
    position = models.DecimalField(**SECONDS)
    issued_at = models.DateTimeField()
    deadline = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.JSONField(default=list, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=OUTCOMES, default=PENDING)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["progress", "check_id"], name="cadre_credits_check_once")]
        indexes = [models.Index(fields=["user", "issued_at"], name="cadre_credits_check_user")]

    def __str__(self):
        return f"{self.check_id} ({self.outcome})"


class LearnerClock(models.Model):
    """
    The per-learner row every heartbeat locks: the live session and today's total.

    ``day``/``day_seconds`` are the learner's credited seconds on ``day`` (local time,
    ``TIME_ZONE``), counted across all blocks for the policy's daily cap.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="+")
    session = models.ForeignKey(LearningSession, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    day = models.DateField(null=True, blank=True)
    day_seconds = models.DecimalField(default=0, **SECONDS)

    def __str__(self):
        return f"{self.user_id}: {self.session_id}"
