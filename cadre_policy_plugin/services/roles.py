"""
Roles: who is academy staff, who administers which node in which role, which accounts
an administrator may act on (ADR 0015).

Three kinds of people act in this plugin, and ``is_staff`` (Open edX *global* staff:
Studio, every course's instructor pages) is none of them:

* **academy staff** hold the ``cadre_policy.manage_academy`` permission (normally via the
  "cadre academy staff" group, created by migration 0006): they manage the tree, the
  policy packs and overlays, course credit specs, and use the Django admin; they see
  every node.  A superuser counts as academy staff.
* **unit administrators** hold ``UnitAdministrator`` rows, nothing else: 管理员 (``admin``)
  reads and changes their subtree, 联络员 (``liaison``) only reads it.
* **course staff** author the credit block in Studio; the runtime says who they are
  (``cadre_credits_xblock.compat.current_user_can_author``), never this module.

Views, admin classes and the api ask these functions (and ``services/scope.py``, which
builds on them), so each rule lives in one place.
"""
import contextlib

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from cadre_policy_plugin import identity
from cadre_policy_plugin.models import AdministratorRole, LearnerProfile, OrgNode, UnitAdministrator

ACADEMY_PERMISSION = "cadre_policy.manage_academy"
ACADEMY_PERMISSION_CODENAME = "manage_academy"
#: The group migration 0006 creates with ``ACADEMY_PERMISSION``; add academy staff to it.
ACADEMY_GROUP = "cadre academy staff"

ADMIN = AdministratorRole.ADMIN
LIAISON = AdministratorRole.LIAISON


def _active(user):
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_academy_staff(user):
    """The academy's grant: ``cadre_policy.manage_academy`` (or a superuser), never ``is_staff`` alone."""
    return _active(user) and (user.is_superuser or user.has_perm(ACADEMY_PERMISSION))


def require_academy_staff(user):
    """Raise ``PermissionDenied`` unless ``user`` is academy staff."""
    if not is_academy_staff(user):
        raise PermissionDenied(_("Only academy staff may change this."))


def academy_staff_users():
    """Every account holding the academy permission directly or through a group (superusers too)."""
    user_model = get_user_model()
    codename = Q(user_permissions__codename=ACADEMY_PERMISSION_CODENAME,
                 user_permissions__content_type__app_label="cadre_policy")
    grouped = Q(groups__permissions__codename=ACADEMY_PERMISSION_CODENAME,
                groups__permissions__content_type__app_label="cadre_policy")
    return user_model.objects.filter(codename | grouped | Q(is_superuser=True)).distinct()


def administrator_rows(user):
    """The user's ``UnitAdministrator`` rows with their nodes (empty for an inactive account)."""
    if not _active(user):
        return []
    return list(UnitAdministrator.objects.filter(user=user).select_related("node"))


@contextlib.contextmanager
def remembered(user):
    """
    ``with roles.remembered(request.user):`` — while a request is served, the nodes a
    user administers are read once per role instead of once per check (the console's
    gate, the subtree lookups and the may-change test each asked again).  Nothing in a
    request changes the asker's own grants; the memo ends with the request.
    """
    if _active(user):
        user._cadre_role_memo = {}
    try:
        yield user
    finally:
        if getattr(user, "_cadre_role_memo", None) is not None:
            del user._cadre_role_memo  # through request.user's lazy wrapper to the user itself


def nodes_with_role(user, *, write=False):
    """
    The nodes ``user`` administers; ``write=True``: only those with the 管理员 role.
    ``None`` means every node (academy staff).
    """
    if not _active(user):
        return []
    memo = getattr(user, "_cadre_role_memo", None)
    if memo is not None and write in memo:
        return memo[write]
    if is_academy_staff(user):
        if memo is not None:
            memo[False] = memo[True] = None
        return None
    if memo is not None:
        # One query answers both roles for the rest of the request.
        rows = administrator_rows(user)
        memo[False] = [row.node for row in rows]
        memo[True] = [row.node for row in rows if row.role == ADMIN]
        return memo[write]
    rows = UnitAdministrator.objects.filter(user=user)
    if write:
        rows = rows.filter(role=ADMIN)
    return list(OrgNode.objects.filter(pk__in=rows.values("node_id")))


def role_on_node(user, node):
    """
    The strongest role ``user`` holds on ``node`` or above it: ``"academy"``, ``"admin"``,
    ``"liaison"`` or ``None``.
    """
    if not _active(user):
        return None
    if is_academy_staff(user):
        return "academy"
    roles = set(UnitAdministrator.objects.filter(user=user, node_id__in=node.ancestor_ids())
                .values_list("role", flat=True))
    if ADMIN in roles:
        return ADMIN
    if LIAISON in roles:
        return LIAISON
    return None


def roles_of(user):
    """``[(node code, node name, role)]`` for the console's header and the api (academy staff: [])."""
    return [(row.node.code, row.node.name, row.role)
            for row in sorted(administrator_rows(user), key=lambda row: row.node.path)]


def is_protected_account(user):
    """
    Accounts no unit-level action may touch: Open edX staff and superusers, academy
    staff, and administrators (their rights are the academy's to change).
    """
    if user is None:
        return False
    return bool(user.is_staff or user.is_superuser or user.has_perm(ACADEMY_PERMISSION)
                or UnitAdministrator.objects.filter(user=user).exists())


def _platform_accounts():
    """Open edX staff, superusers and academy staff: never touched by a unit-level action."""
    user_model = get_user_model()
    return user_model.objects.filter(Q(is_staff=True) | Q(is_superuser=True) | Q(pk__in=academy_staff_users().values("pk")))


def accounts_actor_may_act_on(actor):
    """
    Accounts a learner-level action of ``actor`` may touch: never staff, superuser or
    academy accounts; an administrator's account only when every node they administer
    lies where ``actor`` may change things (a 管理员 of the county may register the
    county's own 联络员 as a learner, never another region's administrator).
    """
    user_model = get_user_model()
    managed = nodes_with_role(actor, write=True)
    if managed == []:
        return user_model.objects.none()
    accounts = user_model.objects.exclude(pk__in=_platform_accounts().values("pk"))
    if managed is None:
        return accounts
    inside = OrgNode.objects.subtree_of_any(managed)
    outside_rows = UnitAdministrator.objects.exclude(node__in=inside)
    return accounts.exclude(pk__in=outside_rows.values("user_id"))


def may_act_on_account(actor, user):
    return user is not None and accounts_actor_may_act_on(actor).filter(pk=user.pk).exists()


def accounts_for_new_profile(actor):
    """
    Accounts ``actor`` may give a learner profile: active accounts without one that
    ``actor`` may act on (``accounts_actor_may_act_on``).  Callers resolve one typed user
    name in this queryset; it is never listed whole (it is every new account on the
    platform).
    """
    return accounts_actor_may_act_on(actor).filter(is_active=True, cadre_profile__isnull=True)


def accounts_for_new_administrator(actor):
    """
    Accounts academy staff may make unit administrators: active, not staff or superuser,
    not academy staff.  (Unit administrators need no platform rights, so none is given.)
    """
    if not is_academy_staff(actor):
        return get_user_model().objects.none()
    return (get_user_model().objects.filter(is_active=True, is_staff=False, is_superuser=False)
            .exclude(pk__in=academy_staff_users().values("pk")))


def find_account(queryset, username):
    """The one account of ``queryset`` with exactly this user name, or ``None`` (no search, no prefix)."""
    username = (username or "").strip()
    if not username:
        return None
    return queryset.filter(username=username).first()


def may_deactivate(user):
    """A learner's leaving may switch off only a plain learner account (never a protected one)."""
    return not is_protected_account(user)


def display_name(user):
    """
    How a person is shown to administrators: the real name of their learner profile,
    else their user name, masked when it looks like an ID number (Inner Mongolia
    registers accounts by ID number; ADR 0011 shows masked numbers only).
    """
    if user is None:
        return "-"
    profile = LearnerProfile.objects.filter(user=user).only("real_name").first()
    username = safe_username(user.get_username())
    return f"{profile.real_name} ({username})" if profile is not None else username


def safe_username(username):
    """``username``, with any 15–18 character ID-number-shaped run masked."""
    return identity.mask_id_numbers_in(username or "")
