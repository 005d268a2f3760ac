"""The scoping rule for admin classes: querysets, object permissions, choices."""
from django.contrib.auth import get_user_model

from cadre_policy_plugin.services import scope


class ScopedAdminMixin:
    """
    Limit an admin to the administrator's subtree.

    Subclasses define ``scope_queryset(request, qs)`` and ``in_scope(request, obj)``.
    Objects outside the scope are simply not in the queryset, so Django answers a
    request for them as for an object that does not exist (never with its data).
    """

    allow_add = True
    allow_change = True

    def _is_admin(self, request):
        return request.user.is_active and request.user.is_staff and scope.is_administrator(request.user)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        if not self._is_admin(request):
            return qs.none()
        return self.scope_queryset(request, qs)

    def has_module_permission(self, request):
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_admin(request) and (obj is None or request.user.is_superuser or self.in_scope(request, obj))

    def has_change_permission(self, request, obj=None):
        return self.allow_change and self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self.allow_add and self._is_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False  # files are kept; leaving is a status, revocation is an entry

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Choices for units and learners stop at the administrator's subtree too."""
        if not request.user.is_superuser:
            model = db_field.remote_field.model
            if model._meta.label == "cadre_policy.OrgNode":
                kwargs["queryset"] = scope.visible_nodes(request.user)
            elif model is get_user_model() and db_field.name in ("user", "learner"):
                kwargs["queryset"] = model.objects.filter(
                    cadre_profile__in=scope.visible_profiles(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
