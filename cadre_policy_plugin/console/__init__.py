"""
The unit administrators' console (``/cadre/manage/``).

A unit administrator is a ``UnitAdministrator`` row and nothing else: no ``is_staff``
(Open edX global staff), no Django model permission.  Every view here is wrapped by
:func:`cadre_policy_plugin.console.access.console_view`, which admits only users who
administer at least one organisation node, and works through ``api.py`` and
``services/scope.py`` so that nothing outside the administrator's subtree is ever read.
"""
