"""
The plugin's models, split by concept (one module each); import them from here.

Other apps never import these: they go through ``cadre_policy_plugin.api``.
"""
from cadre_policy_plugin.models.admins import AdministratorRole, UnitAdministrator
from cadre_policy_plugin.models.audit import AuditImmutableError, AuditLog
from cadre_policy_plugin.models.certificates import AnnualCertificate
from cadre_policy_plugin.models.close import ChunkState, CloseChunk, CloseJob
from cadre_policy_plugin.models.console import NoticeDispatch, NoticeRecipient, RegistrationReview
from cadre_policy_plugin.models.courses import (
    BlockVerification,
    Category,
    CourseCertificate,
    CourseCreditSpec,
    CoursePassing,
    CreditBlock,
    Topic,
)
from cadre_policy_plugin.models.declarations import DeclarationKind, DeclarationStatus, HoursDeclaration
from cadre_policy_plugin.models.documents import DocumentImmutableError, EvidenceDocument, EvidenceOwner
from cadre_policy_plugin.models.identity import CorrectionImmutableError, CorrectionKind, IdentityCorrection
from cadre_policy_plugin.models.learners import (
    LEAVING_STATUSES,
    LearnerProfile,
    LearnerStatus,
    PoliticalStatus,
    Rank,
)
from cadre_policy_plugin.models.ledger import (
    EvidenceType,
    LedgerEntry,
    LedgerImmutableError,
    Source,
)
from cadre_policy_plugin.models.org import OrgNode
from cadre_policy_plugin.models.review import ReviewCase, ReviewKind, ReviewStatus
from cadre_policy_plugin.models.status import YearStatus

__all__ = [
    "LEAVING_STATUSES",
    "AdministratorRole",
    "AnnualCertificate",
    "AuditImmutableError",
    "AuditLog",
    "BlockVerification",
    "Category",
    "ChunkState",
    "CloseChunk",
    "CloseJob",
    "CourseCertificate",
    "CourseCreditSpec",
    "CorrectionImmutableError",
    "CorrectionKind",
    "CoursePassing",
    "CreditBlock",
    "DeclarationKind",
    "DeclarationStatus",
    "DocumentImmutableError",
    "EvidenceDocument",
    "EvidenceOwner",
    "EvidenceType",
    "HoursDeclaration",
    "IdentityCorrection",
    "LearnerProfile",
    "LearnerStatus",
    "LedgerEntry",
    "LedgerImmutableError",
    "NoticeDispatch",
    "NoticeRecipient",
    "OrgNode",
    "PoliticalStatus",
    "Rank",
    "ReviewCase",
    "ReviewKind",
    "ReviewStatus",
    "RegistrationReview",
    "Source",
    "Topic",
    "UnitAdministrator",
    "YearStatus",
]
