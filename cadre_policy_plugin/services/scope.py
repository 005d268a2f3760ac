"""
Who may see and change what: the administrator's subtree.

An administrator (a ``UnitAdministrator`` row) sees and edits learners and ledger
entries in the subtree below the nodes they administer; a superuser sees everything;
everyone else sees nothing but their own file.  Every view, admin class and api
function that acts for an administrator asks these functions, so the rule lives in
one place.
"""
from cadre_policy_plugin.models import LearnerProfile, LedgerEntry, OrgNode


def administered_nodes(user):
    """The nodes ``user`` administers (``None`` means all: a superuser)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return None
    return list(OrgNode.objects.filter(administrators__user=user))


def is_administrator(user):
    nodes = administered_nodes(user)
    return nodes is None or bool(nodes)


def visible_nodes(user):
    nodes = administered_nodes(user)
    if nodes is None:
        return OrgNode.objects.all()
    return OrgNode.objects.subtree_of_any(nodes)


def visible_profiles(user):
    nodes = administered_nodes(user)
    if nodes is None:
        return LearnerProfile.objects.all()
    return LearnerProfile.objects.in_subtree(nodes)


def visible_entries(user):
    nodes = administered_nodes(user)
    if nodes is None:
        return LedgerEntry.objects.all()
    return LedgerEntry.objects.filter(user__cadre_profile__in=LearnerProfile.objects.in_subtree(nodes))


def can_administer_node(user, node):
    nodes = administered_nodes(user)
    return nodes is None or any(node.is_within(own) for own in nodes)


def can_administer_learner(user, learner_user):
    """True when ``learner_user``'s unit lies below a node ``user`` administers."""
    profile = LearnerProfile.objects.select_related("unit").filter(user=learner_user).first()
    return profile is not None and can_administer_node(user, profile.unit)
