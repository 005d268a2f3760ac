"""
Who may open the console, and the subtree they see there.

``console_view`` is the one gate: anonymous users go to the sign-in page, signed-in
users who administer no node get a translated 403 page (the same for Open edX global
staff: ``is_staff`` grants nothing here), and administrators get ``request.cadre_nodes``,
the nodes they administer (``None`` for a superuser, who sees every node).  Views look
objects up inside that subtree only, so an object outside it is a 404, never a hint.
"""
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404

from cadre_policy_plugin.console import nav
from cadre_policy_plugin.models.org import remembered_chains
from cadre_policy_plugin.pages import render_page
from cadre_policy_plugin.services import roles, scope


def console_view(view):
    """Decorator for every console view (see module doc)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        with roles.remembered(request.user), remembered_chains():
            nodes = scope.administered_nodes(request.user)
            if nodes is not None and not nodes:
                return render_page(request, "cadre_policy/console/forbidden.html", status=403)
            request.cadre_nodes = nodes
            return view(request, *args, **kwargs)

    return wrapper


def may_change(user, node):
    """
    Whether ``user`` may change things at ``node`` (entries, approvals, imports, notices).

    The 管理员 role (or academy staff) grants it; a 联络员 reads only (``services/scope.py``).
    Pages hide their forms where this is false and POSTs get 403.
    """
    return scope.can_manage_node(user, node)


def may_change_somewhere(user):
    """Whether ``user`` may change things at any node (imports; the services scope each row)."""
    nodes = scope.managed_nodes(user)
    return nodes is None or bool(nodes)


def node_or_404(request, code):
    """The node ``code`` when it lies in the administrator's subtree, else 404."""
    return get_object_or_404(scope.visible_nodes(request.user), code=code)


def profile_or_404(request, user_id):
    """The learner profile of ``user_id`` when the learner lies in the subtree, else 404."""
    return get_object_or_404(scope.visible_profiles(request.user).select_related("unit", "user"), user_id=user_id)


def forbidden(request):
    """The translated 403 page for a read-only administrator who tried to change something."""
    return page(request, "cadre_policy/console/read_only.html", status=403)


def page(request, template_name, context=None, status=200):
    """``render_page`` with the console's navigation."""
    return render_page(request, template_name, {"console_nav": nav.items(request), **(context or {})}, status=status)


def year_of(request, field="year"):
    """The year asked for (``?year=``), else the current one; nonsense falls back too."""
    from cadre_policy_plugin.services.evaluation import current_year

    value = (request.GET.get(field) or request.POST.get(field) or "").strip()
    if value.isdigit() and 1990 < int(value) < 2200:
        return int(value)
    return current_year()
