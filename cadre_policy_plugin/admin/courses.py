"""
Admin for course credit specs and credit blocks: academy staff only (ADR 0015).

Course staff set a course's spec from the block's Studio form; the academy corrects it
here.  Every change is audited with the values before and after.
"""
from django.contrib import admin
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from cadre_policy_plugin.admin.scoping import AcademyAdminMixin, person
from cadre_policy_plugin.models import CourseCreditSpec, CreditBlock
from cadre_policy_plugin.services.audit import audit


@admin.register(CourseCreditSpec)
class CourseCreditSpecAdmin(AcademyAdminMixin, admin.ModelAdmin):
    """Set by the academy (or course staff in Studio); every change audited with before/after."""

    list_display = ("course_key", "category", "hours", "lecture_minutes", "topic", "exam_required",
                    "exam_bonus_credits", "modified")
    list_filter = ("category", "topic", "exam_required")
    search_fields = ("course_key",)
    readonly_fields = ("changed_by_label", "modified")
    exclude = ("changed_by",)

    @admin.display(description=_("changed by"))
    def changed_by_label(self, obj):
        return person(obj.changed_by) if obj is not None and obj.changed_by_id else "-"

    def save_model(self, request, obj, form, change):
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if change else {}
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
        audit(request.user, "course_spec.set", target=obj,
              detail={name: {"before": str(before.get(name, "")), "after": str(form.cleaned_data.get(name))}
                      for name in form.changed_data})


@admin.register(CreditBlock)
class CreditBlockAdmin(AcademyAdminMixin, admin.ModelAdmin):
    list_display = ("usage_key", "course_key", "required_seconds", "registered")
    search_fields = ("usage_key", "course_key")
    readonly_fields = ("registered",)
