"""DRF permission: the caller administers some node (object scope is checked per view)."""
from rest_framework.permissions import BasePermission

from cadre_policy_plugin.services import scope


class IsUnitAdministrator(BasePermission):
    """Authenticated and holding at least one ``UnitAdministrator`` row (or superuser)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and scope.is_administrator(user))
