"""
The console's pages: thin views over ``api.py`` and ``services/scope.py``.

Each view is wrapped by ``console_view`` (see ``access.py``) and renders a template
extending ``cadre_policy/console/base.html``, which extends the host's page base
(``CADRE_POLICY["PAGE_BASE_TEMPLATE"]``).
"""
from django.views.decorators.http import require_GET

from cadre_policy_plugin.console.access import console_view
from cadre_policy_plugin.pages import render_page
from cadre_policy_plugin.services import scope


@require_GET
@console_view
def index(request):
    """The units the signed-in administrator administers, each a way into its subtree."""
    nodes = scope.visible_nodes(request.user).filter(depth=0) if request.cadre_nodes is None else request.cadre_nodes
    return render_page(request, "cadre_policy/console/index.html", {"nodes": sorted(nodes, key=lambda node: node.path)})
