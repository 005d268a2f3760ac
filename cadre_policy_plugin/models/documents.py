"""
Uploaded evidence documents (a training certificate, an attendance sheet, a scanned
registration form: Inner Mongolia Art. 10 and 12–13, the organiser or unit certifies).

A document is stored once per content (its SHA-256), through Django's default storage
under a dated path that never contains the uploader's file name (a name may carry an
ID number).  A ledger entry credited on a document has ``evidence_type="upload"`` and
``evidence_ref`` = the document's SHA-256, so the ledger's own uniqueness rule
``(user, evidence_type, evidence_ref)`` refuses crediting the same document twice to
one learner, while one attendance sheet may still back the entries of many learners.
Like the ledger, documents are never changed or deleted through the ORM.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


class DocumentImmutableError(Exception):
    """An evidence document was about to be changed or deleted."""


def evidence_upload_to(instance, filename):
    """``<EVIDENCE_UPLOAD_DIR>/YYYY/MM/DD/<sha256>.<ext>``: dated, content-addressed, no original name."""
    from cadre_policy_plugin.conf import cadre_setting

    base = cadre_setting("EVIDENCE_UPLOAD_DIR").strip("/") or "cadre_evidence"
    return f"{base}/{timezone.localdate():%Y/%m/%d}/{instance.sha256}{EXTENSIONS.get(instance.content_type, '')}"


class EvidenceDocumentQuerySet(models.QuerySet):
    def delete(self):
        raise DocumentImmutableError("evidence documents are never deleted; revoke the entry instead")

    def update(self, **kwargs):
        raise DocumentImmutableError("evidence documents are never updated")


class EvidenceDocument(models.Model):
    """
    One stored evidence file.

    .. pii: the file and ``original_name`` may contain personal data (names, ID
       numbers); neither is ever logged.
    .. pii_retirement: retained — it is evidence in the training file.
    """

    uuid = models.UUIDField(_("document id"), default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=64)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = EvidenceDocumentQuerySet.as_manager()

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ("-uploaded_at", "-id")

    def __str__(self):
        return f"{self.sha256[:12]} ({self.content_type}, {self.size} B)"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise DocumentImmutableError("evidence documents are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DocumentImmutableError("evidence documents are never deleted; revoke the entry instead")

    @property
    def extension(self):
        return EXTENSIONS.get(self.content_type, "")


class EvidenceOwner(models.Model):
    """
    A learner a document belongs to (issue 10: evidence must be the learner's own).

    A row is written only when the document's bytes are uploaded for that learner (by
    the learner, or by an administrator of their unit): possession of the file is what
    makes it theirs.  Citing a document by its SHA-256 alone never creates a row, so an
    entry cannot borrow another unit's document, and reading a document back needs a
    row (``services/evidence.can_read_document``).  One attendance sheet uploaded for
    several learners has a row for each.  Insert-only, like the documents.
    """

    document = models.ForeignKey(EvidenceDocument, on_delete=models.PROTECT, related_name="owners",
                                 verbose_name=_("evidence document"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("learner"))
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("uploaded by"))
    linked_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("evidence document owner")
        verbose_name_plural = _("evidence document owners")
        constraints = [models.UniqueConstraint(fields=["document", "user"], name="cadre_evidence_owner_once")]

    def __str__(self):
        return f"{self.document} → {self.user_id}"
