"""Admin for the organisation tree and its administrators."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cadre_policy_plugin.admin.scoping import ScopedAdminMixin
from cadre_policy_plugin.models import OrgNode, UnitAdministrator
from cadre_policy_plugin.services import scope
from cadre_policy_plugin.services.audit import audit


@admin.register(OrgNode)
class OrgNodeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("indented_name", "code", "kind", "policy_key", "has_overlay")
    list_filter = ("kind", "policy_key")
    search_fields = ("code", "name")
    fields = ("code", "name", "kind", "parent", "policy_key", "overlay", "region_key")
    ordering = ("path",)

    def scope_queryset(self, request, qs):
        return qs.subtree_of_any(scope.administered_nodes(request.user))

    def in_scope(self, request, obj):
        return scope.can_administer_node(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        """An administrator's own top node keeps its place in the tree (its parent is not theirs)."""
        if obj is not None and not request.user.is_superuser and \
                obj.pk in {node.pk for node in scope.administered_nodes(request.user)}:
            return ("parent",)
        return ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.is_superuser and "parent" in form.base_fields:
            form.base_fields["parent"].required = True  # only superusers create roots
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit(request.user, "org_node.change" if change else "org_node.add", target=obj,
              detail={"fields": list(form.changed_data)})

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return "— " * obj.depth + obj.name

    @admin.display(description=_("overlay"), boolean=True)
    def has_overlay(self, obj):
        return bool(obj.overlay.strip())


@admin.register(UnitAdministrator)
class UnitAdministratorAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "node", "created")
    search_fields = ("user__username", "node__name", "node__code")

    def scope_queryset(self, request, qs):
        return qs.filter(node__in=scope.visible_nodes(request.user))

    def in_scope(self, request, obj):
        return scope.can_administer_node(request.user, obj.node)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit(request.user, "unit_admin.change" if change else "unit_admin.add", target=obj, learner=None,
              detail={"user_id": obj.user_id, "node": obj.node.code})
