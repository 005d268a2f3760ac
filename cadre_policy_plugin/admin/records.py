"""Read-only admin for what the plugin computes or records: statuses, certificates, audit."""
from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cadre_policy_plugin.admin.scoping import ScopedAdminMixin
from cadre_policy_plugin.models import (
    AnnualCertificate,
    AuditLog,
    EvidenceDocument,
    EvidenceType,
    LedgerEntry,
    YearStatus,
)
from cadre_policy_plugin.services import scope


class ReadOnlyScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    allow_add = False
    allow_change = False

    def scope_queryset(self, request, qs):
        return qs.filter(user__cadre_profile__in=scope.visible_profiles(request.user))

    def in_scope(self, request, obj):
        return scope.can_administer_learner(request.user, obj.user)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(YearStatus)
class YearStatusAdmin(ReadOnlyScopedAdmin):
    list_display = ("user", "year", "policy_key", "met", "total_earned", "total_needed", "required_earned",
                    "computed_at")
    list_filter = ("year", "met", "policy_key")
    search_fields = ("user__username", "user__cadre_profile__real_name")


@admin.register(AnnualCertificate)
class AnnualCertificateAdmin(ReadOnlyScopedAdmin):
    list_display = ("serial", "real_name", "unit_name", "year", "issued_at", "revoked_at")
    list_filter = ("year",)
    search_fields = ("serial", "real_name")


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyScopedAdmin):
    list_display = ("at", "actor", "action", "target_type", "target_id", "learner", "reason")
    list_filter = ("action",)
    search_fields = ("reason", "target_id")

    def scope_queryset(self, request, qs):
        return qs.filter(Q(learner__cadre_profile__in=scope.visible_profiles(request.user)) | Q(actor=request.user))

    def in_scope(self, request, obj):
        return obj.actor_id == request.user.pk or (obj.learner is not None and
                                                   scope.can_administer_learner(request.user, obj.learner))


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: documents backing entries of learners in the administrator's subtree."""

    allow_add = False
    allow_change = False
    list_display = ("uploaded_at", "sha256", "content_type", "size", "uploaded_by")
    search_fields = ("sha256",)
    fields = ("sha256", "content_type", "size", "uploaded_by", "uploaded_at", "download")
    readonly_fields = fields

    def _entries(self, request):
        return LedgerEntry.objects.filter(evidence_type=EvidenceType.UPLOAD,
                                          user__cadre_profile__in=scope.visible_profiles(request.user))

    def scope_queryset(self, request, qs):
        return qs.filter(sha256__in=self._entries(request).values("evidence_ref"))

    def in_scope(self, request, obj):
        return self._entries(request).filter(evidence_ref=obj.sha256).exists()

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("cadre_policy:api-evidence-document", args=[obj.sha256])
        return format_html('<a href="{}">{}</a>', url, _("Download"))
