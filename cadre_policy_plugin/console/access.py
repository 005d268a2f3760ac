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

from cadre_policy_plugin.pages import render_page
from cadre_policy_plugin.services import scope


def console_view(view):
    """Decorator for every console view (see module doc)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        nodes = scope.administered_nodes(request.user)
        if nodes is not None and not nodes:
            return render_page(request, "cadre_policy/console/forbidden.html", status=403)
        request.cadre_nodes = nodes
        return view(request, *args, **kwargs)

    return wrapper
