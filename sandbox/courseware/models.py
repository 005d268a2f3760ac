"""
Storage for the sandbox courseware.

Each model mirrors, in miniature, the LMS table the plugins rely on:
``CourseOverview`` (:class:`Course`), the modulestore (:class:`CourseBlock` plus
content-scoped field values), ``StudentModule`` (:class:`XBlockFieldValue` rows for
user-scoped fields), ``CourseEnrollment``, ``BlockCompletion``, the persistent course
grade's passing flag and ``GeneratedCertificate``.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    """A course run, known by its ``course-v1:`` key (``CourseOverview`` in the LMS)."""

    course_key = models.CharField(max_length=255, unique=True)
    display_name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "course_key")
        verbose_name = _("course")

    def __str__(self):
        return self.display_name

    def natural_key(self):
        return (self.course_key,)


class CourseBlock(models.Model):
    """
    One XBlock usage in a course, in the order the learner meets them.

    The block's definition and settings fields are ``XBlockFieldValue`` rows with no
    user; ``graded`` blocks must be complete before the course counts as passed.
    """

    course = models.ForeignKey(Course, related_name="blocks", on_delete=models.CASCADE)
    usage_key = models.CharField(max_length=255, unique=True)
    block_type = models.CharField(max_length=64)
    position = models.PositiveIntegerField(default=0)
    graded = models.BooleanField(default=True)

    class Meta:
        ordering = ("course", "position", "id")

    def __str__(self):
        return self.usage_key


class XBlockFieldValue(models.Model):
    """
    One field of one block for one scope: the runtime's key-value store.

    ``scope_id`` is the usage id, definition id or block type that the field's block
    scope names (empty for ``BlockScope.ALL``); ``user_id`` is 0 for fields that
    belong to no user, so the unique constraint holds on every database (NULLs would
    escape it).
    """

    scope = models.CharField(max_length=64)
    scope_id = models.CharField(max_length=255, blank=True)
    user_id = models.BigIntegerField(default=0)
    field_name = models.CharField(max_length=64)
    value = models.JSONField(null=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("scope", "scope_id", "user_id", "field_name"), name="sandbox_xblock_field_unique"
            )
        ]

    def __str__(self):
        return f"{self.scope}:{self.scope_id}:{self.user_id}:{self.field_name}"


class CourseEnrollment(models.Model):
    """A learner's enrolment, created only after ``CourseEnrollmentStarted`` let it through."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    mode = models.CharField(max_length=32, default="audit")
    is_active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("user", "course"), name="sandbox_enrollment_unique")]


class BlockCompletion(models.Model):
    """
    What a block published: ``completion`` (edx-completion's table, in small) and, for
    scored blocks, the last ``grade`` as a fraction (the LMS keeps it on StudentModule).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    block = models.ForeignKey(CourseBlock, on_delete=models.CASCADE)
    completion = models.FloatField(default=0.0)
    grade = models.FloatField(null=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("user", "block"), name="sandbox_completion_unique")]


class CoursePassingStatus(models.Model):
    """The learner's passing flag for a course (the LMS keeps it on the persistent grade)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    is_passing = models.BooleanField(default=False)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("user", "course"), name="sandbox_passing_unique")]


class GeneratedCertificate(models.Model):
    """
    A course certificate, created only when ``CertificateCreationRequested`` allowed it.

    ``refused_message`` keeps the filter's last refusal so the course page can tell the
    learner what to do (the LMS shows the filter's message the same way).
    """

    STATUS_DOWNLOADABLE = "downloadable"
    STATUS_NOTPASSING = "notpassing"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    status = models.CharField(max_length=32, default=STATUS_NOTPASSING)
    mode = models.CharField(max_length=32, default="honor")
    grade = models.CharField(max_length=8, blank=True)
    verify_uuid = models.UUIDField(default=uuid.uuid4, unique=True)
    refused_message = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("user", "course"), name="sandbox_certificate_unique")]
