"""
The console's navigation: one list, so every console page plugs in with one line.

Each item is a URL name in the ``cadre_policy:console`` namespace (resolved without
arguments) and its label.  A page of another module (the review of suspicious
sessions, password resets through the unit) adds its item here; an item whose URL does
not resolve (a module not installed) is left out rather than breaking every page.
Templates may also fill ``{% block console_nav %}`` for a page-local link.
"""
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    testid: str


ITEMS = [
    NavItem("cadre_policy:console:index", _("Dashboard"), "console-nav-dashboard"),
    NavItem("cadre_policy:console:registrations", _("Registrations"), "console-nav-registrations"),
    NavItem("cadre_policy:console:declarations", _("Hours registration forms"), "console-nav-declarations"),
    NavItem("cadre_policy:console:imports", _("Imports"), "console-nav-imports"),
    NavItem("cadre_policy:console:reports", _("Reports and notices"), "console-nav-reports"),
    NavItem("cadre_policy:console:review", _("Review list"), "console-nav-review"),
]


def items(request):
    """``[{"url", "label", "testid", "current"}]`` for the template."""
    result = []
    for item in ITEMS:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        result.append({"url": url, "label": item.label, "testid": item.testid,
                       "current": request.path == url or (url != reverse("cadre_policy:console:index")
                                                          and request.path.startswith(url))})
    return result
