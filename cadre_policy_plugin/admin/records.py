"""Read-only admin for what the plugin computes or records: statuses, certificates, audit."""
from django.contrib import admin
from django.db.models import Q

from cadre_policy_plugin.admin.scoping import ScopedAdminMixin
from cadre_policy_plugin.models import AnnualCertificate, AuditLog, YearStatus
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
