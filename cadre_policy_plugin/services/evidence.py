"""
Evidence documents: accepting an uploaded file, crediting an entry on it, and who may
read it back.

Why the bytes decide the type: a file's name and the browser's ``Content-Type`` are
whatever the uploader says; a PDF, JPEG or PNG is recognised by its first bytes, and
the stored content type is the one recognised.  The first bytes are not enough (issue
13: an HTML page behind ``%PDF-`` passed): a PDF must open in a PDF library (pypdf:
a cross-reference table, a trailer, at least one page, not encrypted) and an image
must decode completely (Pillow, within a pixel budget), or it is refused.  The same bytes are stored once (by
SHA-256) and an entry credited on them carries ``evidence_ref`` = the SHA-256, so the
ledger refuses crediting one document twice to the same learner.

Storage is not transactional: a file written for a new document is removed again when
the entry's transaction fails, so a refused entry leaves no orphan file behind.
Neither the file's bytes nor its original name are ever logged.
"""
import hashlib
import io
import logging
import os
import struct
import warnings

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cadre_policy_plugin.conf import cadre_setting
from cadre_policy_plugin.models import EvidenceDocument, EvidenceOwner, EvidenceType, LearnerProfile
from cadre_policy_plugin.services import ledger, roles, scope

log = logging.getLogger(__name__)

# First bytes of each accepted type (PDF 1.7 §7.5.2; JFIF/EXIF SOI marker; PNG signature).
MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSION_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def sniff_content_type(head):
    """The content type recognised from a file's first bytes, or ``None``."""
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def read_upload(upload):
    """The bytes of an uploaded file (a Django ``UploadedFile`` or any file object), size-limited."""
    limit = cadre_setting("EVIDENCE_MAX_BYTES")
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(_("The document is larger than %(limit)s bytes."), params={"limit": limit},
                              code="document_too_large")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_("The document is larger than %(limit)s bytes."), params={"limit": limit},
                              code="document_too_large")
    return data


#: Largest image decoded (pixels): a 50-megapixel photograph of a certificate is plenty,
#: and a "pixel bomb" (a tiny PNG claiming 100,000 × 100,000) is refused before decoding.
MAX_IMAGE_PIXELS = 50_000_000
#: Most pages of an evidence PDF (certificates and attendance sheets are a few pages).
MAX_PDF_PAGES = 500


def _unreadable(kind):
    return ValidationError(_("The document is not a readable %(kind)s file.") % {"kind": kind},
                           code="document_unreadable")


def check_pdf(data):
    """Open the PDF with pypdf: structure, at least one page, not encrypted; else ``ValidationError``."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise ValidationError(_("Encrypted PDF documents cannot be checked; upload one without a password."),
                                      code="document_encrypted")
            pages = len(reader.pages)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError,
            AssertionError, ArithmeticError):
        raise _unreadable("PDF") from None
    if not 1 <= pages <= MAX_PDF_PAGES:
        raise ValidationError(_("A PDF document has 1 to %(limit)s pages."), params={"limit": MAX_PDF_PAGES},
                              code="document_pages")


def check_image(data, expected_format):
    """Decode the image completely with Pillow (within MAX_IMAGE_PIXELS); else ``ValidationError``."""
    from PIL import Image, UnidentifiedImageError

    kind = "JPEG" if expected_format == "JPEG" else "PNG"
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if image.format != expected_format:
                raise _unreadable(kind)
            if width * height > MAX_IMAGE_PIXELS:
                raise Image.DecompressionBombError(width * height)
            image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(_("The image has more than %(limit)s pixels."), params={"limit": MAX_IMAGE_PIXELS},
                              code="document_pixels") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
            IndexError, TypeError, struct.error):
        raise _unreadable(kind) from None


CONTENT_CHECKS = {
    "application/pdf": check_pdf,
    "image/jpeg": lambda data: check_image(data, "JPEG"),
    "image/png": lambda data: check_image(data, "PNG"),
}


def check_document(data, name=""):
    """
    The content type of ``data`` or ``ValidationError``: empty, not an allowed type by
    its bytes, an extension that names another type than the bytes are, or content
    that does not open as what its first bytes claim (a PDF library, an image decoder).
    """
    if not data:
        raise ValidationError(_("The document is empty."), code="document_empty")
    content_type = sniff_content_type(data[:16])
    allowed = cadre_setting("EVIDENCE_CONTENT_TYPES")
    if content_type is None or content_type not in allowed:
        raise ValidationError(_("Only PDF, JPEG and PNG documents are accepted (recognised by their content)."),
                              code="document_type")
    claimed = EXTENSION_TYPES.get(os.path.splitext(name or "")[1].lower())
    if name and claimed != content_type:
        raise ValidationError(_("The file name's extension does not match the document's content."),
                              code="document_extension")
    CONTENT_CHECKS[content_type](data)
    return content_type


def store_document(data, *, name="", uploaded_by=None):
    """
    The ``EvidenceDocument`` for ``data`` (an existing one when the same bytes were
    stored before) and whether it was created now.  Validates type and size.
    """
    limit = cadre_setting("EVIDENCE_MAX_BYTES")
    if len(data) > limit:
        raise ValidationError(_("The document is larger than %(limit)s bytes."), params={"limit": limit},
                              code="document_too_large")
    content_type = check_document(data, name)
    digest = hashlib.sha256(data).hexdigest()
    existing = EvidenceDocument.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    document = EvidenceDocument(sha256=digest, size=len(data), content_type=content_type,
                                original_name=os.path.basename(name or "")[:255], uploaded_by=uploaded_by)
    document.file.save(f"{digest}{document.extension}", ContentFile(data), save=False)
    stored_name = document.file.name
    storage = document.file.storage
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # The same bytes were stored by a concurrent upload: keep theirs, drop our copy.
        storage.delete(stored_name)
        return EvidenceDocument.objects.get(sha256=digest), False
    except Exception:
        storage.delete(stored_name)
        raise
    log.debug("evidence: stored document %s (%s, %s bytes)", digest[:12], content_type, len(data))
    return document, True


def add_entry_with_document(user, upload, *, source, entered_by, reason, earned_on, category=None,
                            course_key="", **quantities):
    """
    Store ``upload`` and credit an entry on it (``evidence_type="upload"``,
    ``evidence_ref`` = its SHA-256) in one transaction; see ``services.ledger.add_entry``.

    Returns ``(entry data or None when this document is already credited to the
    learner, document)``.  A refused entry (scope, reason, rules) stores nothing.
    """
    if entered_by is not None and not scope.can_administer_learner(entered_by, user):
        raise PermissionDenied(_("This learner is outside the units you administer."))
    name = getattr(upload, "name", "") or ""
    data = read_upload(upload)
    created_name = None
    try:
        with transaction.atomic():
            document, created = store_document(data, name=name, uploaded_by=entered_by)
            if created:
                created_name = document.file.name
            link_owner(document, user, by=entered_by)
            entry = ledger.add_entry(user, source=source, entered_by=entered_by, reason=reason, earned_on=earned_on,
                                     category=category, evidence_type=EvidenceType.UPLOAD,
                                     evidence_ref=document.sha256, course_key=course_key, **quantities)
    except Exception:
        if created_name:
            document.file.storage.delete(created_name)
        raise
    return entry, document


def link_owner(document, learner, *, by=None):
    """Record that ``document`` belongs to ``learner`` (its bytes were uploaded for them); idempotent."""
    owner, _created = EvidenceOwner.objects.get_or_create(document=document, user=learner,
                                                          defaults={"linked_by": by})
    return owner


def store_for_learner(learner, upload, *, uploaded_by):
    """
    Store ``upload`` as one of ``learner``'s documents without crediting anything yet
    (the 学时登记表 workflow: the learner attaches the evidence, the unit approves later
    with ``add_entry(evidence_type="upload", evidence_ref=<sha256>)``).  The learner
    themself, or an administrator who may change their file, may do so; returns the
    document.
    """
    if uploaded_by is None or not (uploaded_by.pk == learner.pk or scope.can_manage_learner(uploaded_by, learner)):
        raise PermissionDenied(_("This learner is outside the units you administer."))
    name = getattr(upload, "name", "") or ""
    data = read_upload(upload)
    created_name = None
    try:
        with transaction.atomic():
            document, created = store_document(data, name=name, uploaded_by=uploaded_by)
            if created:
                created_name = document.file.name
            link_owner(document, learner, by=uploaded_by)
    except Exception:
        if created_name:
            document.file.storage.delete(created_name)
        raise
    return document


def document_for_ref(sha256):
    return EvidenceDocument.objects.filter(sha256=sha256).first()


def can_read_document(user, document):
    """
    The learners the document belongs to (``EvidenceOwner``), the administrators (any
    role) of such a learner's unit and above, and academy staff; nobody else — not a
    unit whose entry merely cites the document's SHA-256, nor the uploader once the
    learner left their scope.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if roles.is_academy_staff(user):
        return True
    owners = EvidenceOwner.objects.filter(document=document)
    if owners.filter(user=user).exists():
        return True
    nodes = scope.administered_nodes(user)
    if not nodes:
        return False
    return owners.filter(user__cadre_profile__in=LearnerProfile.objects.in_subtree(nodes)).exists()
