"""Read-only admin (academy staff only) for what the plugin computes or records: statuses, certificates, audit."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cadre_policy_plugin.admin.scoping import AcademyAdminMixin, PersonColumnsMixin, person
from cadre_policy_plugin.models import AnnualCertificate, AuditLog, EvidenceDocument, YearStatus


class ReadOnlyAcademyAdmin(AcademyAdminMixin, PersonColumnsMixin, admin.ModelAdmin):
    allow_add = False
    allow_change = False
    exclude = ("user",)  # shown as ``user_label``: a user name may be an ID number

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(YearStatus)
class YearStatusAdmin(ReadOnlyAcademyAdmin):
    list_display = ("user_label", "year", "policy_key", "met", "total_earned", "total_needed", "required_earned",
                    "computed_at")
    list_filter = ("year", "met", "policy_key")
    search_fields = ("=user__username", "user__cadre_profile__real_name")
    id_hash_path = "user__cadre_profile__id_number_hash"
    readonly_fields = ("user_label",)


@admin.register(AnnualCertificate)
class AnnualCertificateAdmin(ReadOnlyAcademyAdmin):
    list_display = ("serial", "real_name", "unit_name", "year", "issued_at", "revoked_at")
    list_filter = ("year",)
    search_fields = ("serial", "real_name")
    readonly_fields = ("user_label",)


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAcademyAdmin):
    list_display = ("at", "actor_label", "action", "target_type", "target_id", "learner_label", "reason_masked")
    list_filter = ("action",)
    search_fields = ("=target_id",)
    exclude = ("actor", "learner", "reason")
    readonly_fields = ("actor_label", "learner_label", "reason_masked")


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(ReadOnlyAcademyAdmin):
    """Read-only: every stored evidence document, with the learners it belongs to."""

    list_display = ("uploaded_at", "sha256", "content_type", "size", "uploaded_by_label")
    search_fields = ("=sha256",)
    fields = ("sha256", "content_type", "size", "uploaded_by_label", "uploaded_at", "owners_list", "download")
    readonly_fields = fields
    exclude = ()

    @admin.display(description=_("belongs to"))
    def owners_list(self, obj):
        return ", ".join(person(owner.user) for owner in obj.owners.select_related("user")) or "-"

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("cadre_policy:api-evidence-document", args=[obj.sha256])
        return format_html('<a href="{}">{}</a>', url, _("Download"))
