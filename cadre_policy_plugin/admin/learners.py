"""
Admin for learner profiles: the ID number is typed once and shown masked ever after.

The add form takes the full ID number; the change form shows only the masked value
(an administrator corrects a wrong number by entering a new one in ``new_id_number``).
Approving, and every other change, is audited with masked values only.
"""
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cadre_policy_plugin.admin.scoping import ScopedAdminMixin
from cadre_policy_plugin.models import LearnerProfile
from cadre_policy_plugin.models.learners import validate_id_number
from cadre_policy_plugin.services import scope
from cadre_policy_plugin.services.audit import audit
from cadre_policy_plugin.services.roster_import import activate_if_pending


class LearnerProfileChangeForm(forms.ModelForm):
    new_id_number = forms.CharField(label=_("new ID number"), required=False, max_length=18,
                                    validators=[validate_id_number],
                                    help_text=_("Only to correct a wrong number; the current one is never shown."))

    class Meta:
        model = LearnerProfile
        fields = ("user", "real_name", "mobile", "rank", "unit", "political_status", "post", "status", "approved",
                  "registered_on")  # never id_number: it is not shown whole

    def save(self, commit=True):
        if self.cleaned_data.get("new_id_number"):
            self.instance.id_number = self.cleaned_data["new_id_number"]
        return super().save(commit)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_id_number"):
            self.instance.id_number = cleaned["new_id_number"]
            self.instance.clean()  # one person, one account
        return cleaned


@admin.register(LearnerProfile)
class LearnerProfileAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("real_name", "masked_id_number", "masked_mobile", "rank", "unit", "status", "approved")
    list_filter = ("status", "approved", "rank")
    search_fields = ("real_name", "user__username")
    readonly_fields = ("masked_id_number", "created", "modified")
    actions = ("approve",)
    autocomplete_fields = ()

    def scope_queryset(self, request, qs):
        return qs.in_subtree(scope.administered_nodes(request.user))

    def in_scope(self, request, obj):
        return scope.can_administer_node(request.user, obj.unit)

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "user") if obj is not None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """A new profile is for a user who has none yet (one person, one account)."""
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(cadre_profile__isnull=True)
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = LearnerProfileChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        base = ["user", "real_name", "mobile", "rank", "unit", "political_status", "post", "status", "approved",
                "registered_on"]
        if obj is None:
            return ["user", "real_name", "id_number", *base[2:]]
        return ["masked_id_number", "new_id_number", *base]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        fields = [name for name in form.changed_data if name not in ("id_number", "new_id_number")]
        if {"id_number", "new_id_number"} & set(form.changed_data):
            fields.append("id_number")
        audit(request.user, "profile.change" if change else "profile.add", target=obj, learner=obj.user,
              detail={"fields": fields, "id_number": obj.masked_id_number})

    @admin.action(description=_("Approve the selected learners"))
    def approve(self, request, queryset):
        count = 0
        for profile in queryset.filter(approved=False):
            profile.approved = True
            profile.save(update_fields=["approved", "modified"])
            if profile.is_active_learner:
                activate_if_pending(profile.user)  # an imported account waits inactive for approval
            audit(request.user, "profile.approve", target=profile, learner=profile.user)
            count += 1
        self.message_user(request, ngettext("%(count)d learner approved.", "%(count)d learners approved.", count)
                          % {"count": count}, messages.SUCCESS)
