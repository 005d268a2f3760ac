"""
The organisation tree: province → city/league → county → unit.

A materialized path (``/1/7/42/``, primary keys joined by slashes) keeps the tree in
one table: a node's subtree is the single indexed query ``path LIKE '/1/7/%'`` on
every supported database (ADR 0010).  Each node may carry a policy pack key and an
overlay (the region's or unit's own implementing rules, Anhui Art. 18); a learner's
effective policy is the nearest pack up the tree with the overlays found from that
node down to the learner's unit applied in order.
"""
import contextlib
import contextvars

from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

PATH_SEPARATOR = "/"


def path_ids(path):
    """Primary keys from the root down to the node a materialized path names (``/1/7/42/`` → 1, 7, 42)."""
    return [int(part) for part in path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR) if part]


_CHAINS = contextvars.ContextVar("cadre_policy_org_chains", default=None)


@contextlib.contextmanager
def remembered_chains():
    """
    While one request is served, a node's chain (``ancestors``) is read once per path:
    a training-file page asks for it for the policy pack and again for the breadcrumbs.
    Outside such a block every call reads the tree anew (a node edited meanwhile is seen).
    """
    token = _CHAINS.set({})
    try:
        yield
    finally:
        _CHAINS.reset(token)


class OrgNodeQuerySet(models.QuerySet):
    """Tree queries that stay one indexed query each."""

    def subtree_of(self, node, include_self=True):
        """Every node below ``node`` (and ``node`` itself unless asked not to)."""
        qs = self.filter(path__startswith=node.path)
        return qs if include_self else qs.exclude(pk=node.pk)

    def subtree_of_any(self, nodes):
        """Every node below any of ``nodes`` (an administrator may hold several)."""
        condition = models.Q(pk__in=[])
        for node in nodes:
            condition |= models.Q(path__startswith=node.path)
        return self.filter(condition)

    def on_paths(self, paths):
        """``{pk: node}`` of every node on the materialized ``paths`` (root to node), in one query."""
        return self.in_bulk({pk for path in paths for pk in path_ids(path)})


class OrgNode(models.Model):
    """One node of the tree (a region, a sub-centre or a unit that owns learners)."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City or league")
        COUNTY = "county", _("County")
        UNIT = "unit", _("Unit")

    code = models.CharField(_("code"), max_length=64, unique=True,
                            help_text=_("Stable code of the unit, as the registry knows it."))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey("self", verbose_name=_("parent"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    policy_key = models.CharField(
        _("policy pack"), max_length=64, blank=True,
        help_text=_("Key of the policy pack that applies from this node down, e.g. anhui-2019."))
    overlay = models.TextField(
        _("implementing rules overlay"), blank=True,
        help_text=_("YAML or JSON refining the pack for this node and below (Anhui Art. 18)."))
    region_key = models.CharField(
        _("registry region"), max_length=64, blank=True,
        help_text=_("Region key the registry files this node's learners under; inherited when empty."))

    objects = OrgNodeQuerySet.as_manager()

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("organisation node")
        verbose_name_plural = _("organisation nodes")
        ordering = ("path",)
        # The academy's own grant (ADR 0015): the tree, policy packs and overlays, course
        # credit specs and the Django admin.  Held through the "cadre academy staff" group.
        permissions = [("manage_academy", _("Can manage the academy: organisation tree, policy packs, overlays, "
                                            "course credit specs"))]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        """Compute ``path``/``depth`` from the parent; a new node needs its pk first."""
        with transaction.atomic():
            if self.pk is None:
                self.path = ""
                super().save(*args, **kwargs)
                kwargs.pop("force_insert", None)
                self._set_path()
                super().save(update_fields=["path", "depth"])
                return
            old_path = type(self).objects.filter(pk=self.pk).values_list("path", flat=True).first()
            self._set_path()
            if self.path.startswith(old_path or "\0") and self.path != old_path:
                raise ValueError("a node cannot be moved below itself")
            if old_path and old_path != self.path:
                self._move_descendants(old_path)  # first, so post_save receivers see the moved subtree
            super().save(*args, **kwargs)

    def _set_path(self):
        parent_path = self.parent.path if self.parent_id else PATH_SEPARATOR
        self.path = f"{parent_path}{self.pk}{PATH_SEPARATOR}"
        self.depth = self.path.count(PATH_SEPARATOR) - 2

    def _move_descendants(self, old_path):
        """Rewrite the prefix of every descendant in one UPDATE (moves are rare)."""
        depth_change = self.depth - (old_path.count(PATH_SEPARATOR) - 2)
        type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
            path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
            depth=models.F("depth") + depth_change,
        )

    def ancestor_ids(self):
        """Primary keys from the root down to this node (inclusive), from the path."""
        return path_ids(self.path)

    def ancestors(self, include_self=True):
        """The chain from the root down, in order (one query; none inside ``remembered_chains``)."""
        ids = self.ancestor_ids()
        memo = _CHAINS.get()
        by_id = memo.get(self.path) if memo is not None else None
        if by_id is None:
            by_id = type(self).objects.in_bulk(ids)
            if memo is not None:
                memo[self.path] = by_id
        if not include_self:
            ids = ids[:-1]
        return [by_id[pk] for pk in ids if pk in by_id]

    def is_within(self, other):
        """True when this node is ``other`` or below it."""
        return self.path.startswith(other.path)

    def clean(self):
        """Validate the overlay against the pack it refines (see ``policy.py``)."""
        from cadre_policy_plugin.policy import validate_node_policy

        validate_node_policy(self)
