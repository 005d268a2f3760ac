"""Admin for course credit specs and credit blocks (Django model permissions apply)."""
from django.contrib import admin

from cadre_policy_plugin.models import CourseCreditSpec, CreditBlock
from cadre_policy_plugin.services.audit import audit


@admin.register(CourseCreditSpec)
class CourseCreditSpecAdmin(admin.ModelAdmin):
    """Set by the organisation department: ordinary Django permissions, every change audited."""

    list_display = ("course_key", "category", "hours", "lecture_minutes", "topic", "exam_required",
                    "exam_bonus_credits", "modified")
    list_filter = ("category", "topic", "exam_required")
    search_fields = ("course_key",)
    readonly_fields = ("changed_by", "modified")

    def has_delete_permission(self, request, obj=None):
        return False  # ledger rows name the course; keep what they were awarded under

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
        audit(request.user, "course_spec.set", target=obj,
              detail={name: str(form.cleaned_data.get(name)) for name in form.changed_data})


@admin.register(CreditBlock)
class CreditBlockAdmin(admin.ModelAdmin):
    list_display = ("usage_key", "course_key", "required_seconds", "registered")
    search_fields = ("usage_key", "course_key")
    readonly_fields = ("registered",)
