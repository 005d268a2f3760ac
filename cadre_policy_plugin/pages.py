"""
Rendering the plugin's own pages inside the host's chrome.

Every page template of the plugin starts with ``{% extends cadre_page_base %}``;
:func:`render_page` puts the configured base (``CADRE_POLICY["PAGE_BASE_TEMPLATE"]``)
into the context, so the same page looks like the LMS in the LMS, like the sandbox in
the sandbox, and stands alone with the plugin's default base elsewhere.
"""
from django.shortcuts import render

from cadre_policy_plugin.conf import cadre_setting


def render_page(request, template_name, context=None, status=200):
    """``render()`` with ``cadre_page_base`` set (see module doc)."""
    return render(request, template_name, {"cadre_page_base": cadre_setting("PAGE_BASE_TEMPLATE"), **(context or {})},
                  status=status)
