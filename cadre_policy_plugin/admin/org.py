"""
Admin for the organisation tree and its administrators: academy staff only (ADR 0015).

A node's ``policy_key`` is chosen from the installed packs (never a path: loading a
pack from a file is for the ``cadre-hours`` CLI); a change of pack or overlay is
audited with the values before and after (``services/node_policy.py``).  A unit
administrator is added by typing the account's exact user name, resolved among the
accounts that may hold the role (no staff, superuser or academy account): the page
never lists the platform's accounts, nor shows a user name that is an ID number.
"""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cadre_policy_plugin.admin.scoping import AcademyAdminMixin, AccountField, PersonColumnsMixin, person
from cadre_policy_plugin.models import OrgNode, UnitAdministrator
from cadre_policy_plugin.policy import policy_key_choices
from cadre_policy_plugin.services import roles
from cadre_policy_plugin.services.audit import audit
from cadre_policy_plugin.services.node_policy import audit_policy_change, policy_snapshot


class OrgNodeForm(forms.ModelForm):
    policy_key = forms.ChoiceField(label=_("policy pack"), required=False,
                                   help_text=_("An installed policy pack that applies from this node down; "
                                               "empty: the pack of the node above."))

    class Meta:
        model = OrgNode
        fields = ("code", "name", "kind", "parent", "policy_key", "overlay", "region_key")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy_key"].choices = [("", "---------"), *policy_key_choices()]


@admin.register(OrgNode)
class OrgNodeAdmin(AcademyAdminMixin, admin.ModelAdmin):
    form = OrgNodeForm
    list_display = ("indented_name", "code", "kind", "policy_key", "has_overlay")
    list_filter = ("kind", "policy_key")
    search_fields = ("code", "name")
    fields = ("code", "name", "kind", "parent", "policy_key", "overlay", "region_key")
    ordering = ("path",)

    def save_model(self, request, obj, form, change):
        before = policy_snapshot(obj)  # the stored row: the form has already changed ``obj``
        super().save_model(request, obj, form, change)
        audit(request.user, "org_node.change" if change else "org_node.add", target=obj,
              detail={"fields": list(form.changed_data)})
        audit_policy_change(request.user, obj, before)

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return "— " * obj.depth + obj.name

    @admin.display(description=_("overlay"), boolean=True)
    def has_overlay(self, obj):
        return bool(obj.overlay.strip())


class UnitAdministratorAddForm(forms.ModelForm):
    account = AccountField(label=_("user name"),
                           help_text=_("The exact user name. Staff, superuser and academy accounts cannot be unit "
                                       "administrators: the role needs no platform rights."))

    class Meta:
        model = UnitAdministrator
        fields = ("node", "role")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("account") is not None:
            self.instance.user = cleaned["account"]
        return cleaned


@admin.register(UnitAdministrator)
class UnitAdministratorAdmin(AcademyAdminMixin, PersonColumnsMixin, admin.ModelAdmin):
    list_display = ("user_label", "node", "role", "created")
    list_filter = ("role",)
    search_fields = ("=user__username", "node__name", "node__code")
    readonly_fields = ("user_label",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = UnitAdministratorAddForm if obj is None else forms.ModelForm
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["account"].queryset = roles.accounts_for_new_administrator(request.user)
        return form

    def get_fields(self, request, obj=None):
        return ["account", "node", "role"] if obj is None else ["user_label", "node", "role"]

    def save_model(self, request, obj, form, change):
        before = {} if not change else dict(UnitAdministrator.objects.filter(pk=obj.pk).values("node_id", "role")[0])
        super().save_model(request, obj, form, change)
        audit(request.user, "unit_admin.change" if change else "unit_admin.add", target=obj, learner=None,
              detail={"user": person(obj.user), "node": obj.node.code, "role": obj.role,
                      "before": {key: str(value) for key, value in before.items()}})

    def has_delete_permission(self, request, obj=None):
        """A grant is withdrawn by deleting its row (audited); nothing else in this app is deleted."""
        return self._is_academy(request)

    def get_actions(self, request):
        return admin.ModelAdmin.get_actions(self, request)  # keeps "delete selected" (audited below)

    def delete_model(self, request, obj):
        self.delete_queryset(request, UnitAdministrator.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        for row in queryset.select_related("user", "node"):
            audit(request.user, "unit_admin.remove", target=row, learner=None,
                  detail={"user": person(row.user), "node": row.node.code, "role": row.role})
            row.delete()
