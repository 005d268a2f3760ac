"""
Who may see and change what: the administrator's subtree, by role.

A unit administrator (a ``UnitAdministrator`` row, no ``is_staff`` needed) *sees* the
learners and ledger entries below every node they administer, and *changes* them only
below the nodes where their role is 管理员 (``admin``); a 联络员 (``liaison``) reads
only.  Academy staff (``services/roles.py``) and superusers see and change everything;
everyone else sees nothing but their own file.  Every view, admin class and api
function that acts for an administrator asks these functions, so the rule lives in
one place.

Naming: ``*_nodes/profiles/entries`` and ``can_view_*`` are the read scope,
``managed_*`` and ``can_manage_*`` the write scope.  ``can_administer_node`` (read)
and ``can_administer_learner`` (write) keep their old meaning for existing callers.
"""
from cadre_policy_plugin.models import LearnerProfile, LedgerEntry, OrgNode
from cadre_policy_plugin.services import roles


def administered_nodes(user):
    """The nodes ``user`` administers in any role (``None`` means all: academy staff, superusers)."""
    return roles.nodes_with_role(user)


def managed_nodes(user):
    """The nodes where ``user`` may change things (role 管理员; ``None`` means all)."""
    return roles.nodes_with_role(user, write=True)


def is_administrator(user):
    nodes = administered_nodes(user)
    return nodes is None or bool(nodes)


def _nodes_qs(nodes):
    return OrgNode.objects.all() if nodes is None else OrgNode.objects.subtree_of_any(nodes)


def _profiles_qs(nodes):
    return LearnerProfile.objects.all() if nodes is None else LearnerProfile.objects.in_subtree(nodes)


def visible_nodes(user):
    return _nodes_qs(administered_nodes(user))


def managed_subtree(user):
    """Every node where ``user`` may change things (the subtrees of ``managed_nodes``)."""
    return _nodes_qs(managed_nodes(user))


def visible_profiles(user):
    return _profiles_qs(administered_nodes(user))


def managed_profiles(user):
    return _profiles_qs(managed_nodes(user))


def visible_entries(user):
    nodes = administered_nodes(user)
    if nodes is None:
        return LedgerEntry.objects.all()
    return LedgerEntry.objects.filter(user__cadre_profile__in=LearnerProfile.objects.in_subtree(nodes))


def _within(nodes, node):
    return node is not None and (nodes is None or any(node.is_within(own) for own in nodes))


def can_view_node(user, node):
    return _within(administered_nodes(user), node)


def can_manage_node(user, node):
    return _within(managed_nodes(user), node)


def _unit_of(learner_user):
    profile = LearnerProfile.objects.select_related("unit").filter(user=learner_user).first()
    return profile.unit if profile is not None else None


def can_view_learner(user, learner_user):
    """True when ``learner_user``'s unit lies below a node ``user`` administers (any role)."""
    return can_view_node(user, _unit_of(learner_user))


def can_manage_learner(user, learner_user):
    """True when ``user`` may change ``learner_user``'s file (管理员 above their unit, or academy staff)."""
    return can_manage_node(user, _unit_of(learner_user))


# The names existing callers use: reading a unit, changing a learner.
can_administer_node = can_view_node
can_administer_learner = can_manage_learner
