"""
Which policy applies to whom: the organisation tree meets the rules engine.

A learner's pack is the nearest ``policy_key`` up the tree from their unit (or
``CADRE_POLICY["DEFAULT_POLICY_KEY"]``), refined by the overlays of the nodes from
that node down to the unit, applied top-down (Anhui Art. 18: regions and units may
make their own implementing rules).  Overlays above the node that sets the pack are
ignored: they were written for a different pack.

Built packs are cached by their inputs (pack key and overlay texts), so a changed
overlay is a different cache key and never serves stale rules.
"""
from __future__ import annotations

import functools
import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cadre_policy_plugin.conf import cadre_setting


class NoPolicyError(LookupError):
    """No pack applies: no node up the tree carries one and there is no default."""


def parse_overlay(text):
    """
    YAML (a superset of JSON) to a dict; empty text is no overlay.  Read within the
    limits of ``rules.bounded`` (size, no aliases, depth, text only), so an alias bomb
    typed into the admin or the console costs nothing.
    """
    from cadre_policy_plugin import rules

    try:
        data = rules.parse_overlay_text(text)
    except rules.PackError as exc:
        raise ValidationError(_("The overlay is not valid YAML or JSON: %(error)s"),
                              params={"error": f"{exc.location}: {exc.message}"}, code="overlay_syntax") from None
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ValidationError(_("The overlay must be a mapping of pack settings."), code="overlay_shape")
    return data


@functools.lru_cache(maxsize=256)
def _build_pack(policy_key, overlays, year=None):
    """``overlays`` is a tuple of (node code, overlay text); the code names the result."""
    from cadre_policy_plugin import rules

    pack = _base_pack(rules, policy_key, year)
    for code, text in overlays:
        overlay = parse_overlay(text)
        if overlay:
            pack = rules.apply_overlay(pack, overlay, origin=code)
    return pack


def installed_policy_keys():
    """
    The keys a node's ``policy_key`` (and ``DEFAULT_POLICY_KEY``) may name: the installed
    packs' keys and their regions.  Never a file path: loading a pack from a path is for
    the ``cadre-hours`` CLI only (issue 10: a path made any readable YAML on the server
    the policy).
    """
    from cadre_policy_plugin import rules

    packs = rules.available_packs()
    return frozenset(pack.key for pack in packs) | frozenset(pack.region for pack in packs)


def policy_key_choices():
    """``(value, label)`` pairs of :func:`installed_policy_keys` for forms (regions first, then packs)."""
    from cadre_policy_plugin import rules

    packs = rules.available_packs()
    regions = sorted({pack.region for pack in packs})
    choices = [(region, _("%(region)s (the version in force each year)") % {"region": region}) for region in regions]
    choices += [(pack.key, f"{pack.key} · {pack.title.get('zh-Hans') or pack.key}") for pack in packs]
    return choices


def _base_pack(rules, policy_key, year):
    """
    The pack for ``year``: a region key (``anhui``) picks the version in force that year,
    so a later notice replaces an earlier one only for later years.  A year no version
    covers (or a pack key named outright) falls back to the key as configured, so
    evaluating a year before a notice took effect never fails.  Only installed keys
    load (a path stored before this rule existed loads nothing).
    """
    if policy_key not in installed_policy_keys():
        raise rules.PackError("policy_key", "not an installed policy pack")
    if year is None:
        return rules.load_pack(policy_key)
    try:
        return rules.load_pack(policy_key, year)
    except rules.PackError:
        return rules.load_pack(policy_key)


def _chain_for(node):
    """Root-to-node chain; works for an unsaved node through its parent."""
    if node.pk is not None and node.path:
        chain = node.ancestors(include_self=False)
    elif node.parent_id:
        chain = node.parent.ancestors(include_self=True)
    else:
        chain = []
    return [*chain, node]


def policy_inputs(chain):
    """(pack key, (code, overlay text) pairs from the pack's node down) for a root-to-unit chain."""
    for index in range(len(chain) - 1, -1, -1):
        if chain[index].policy_key:
            return chain[index].policy_key, tuple((n.code, n.overlay) for n in chain[index:] if n.overlay.strip())
    default = cadre_setting("DEFAULT_POLICY_KEY")
    if not default:
        raise NoPolicyError("no policy pack applies to this organisation node")
    return default, tuple((n.code, n.overlay) for n in chain if n.overlay.strip())


def pack_for_node(node, year=None):
    """The effective pack for learners whose unit is ``node`` (for ``year``; default the newest)."""
    key, overlays = policy_inputs(_chain_for(node))
    return _build_pack(key, overlays, year)


def ancestors_of_nodes(nodes):
    """``{pk: node}`` of every node on the paths of ``nodes``, in one query."""
    from cadre_policy_plugin.models import OrgNode

    return OrgNode.objects.on_paths(node.path for node in nodes)


def packs_for_nodes(nodes, year=None, by_id=None):
    """
    ``{node pk: pack or None}`` for many units at once: every ancestor read in one query
    (the close runs this per chunk instead of one ancestor query per unit); ``by_id``
    passes ancestors already read.
    """
    nodes = list(nodes)
    by_id = ancestors_of_nodes(nodes) if by_id is None else by_id
    packs = {}
    for node in nodes:
        chain = [by_id[pk] for pk in node.ancestor_ids() if pk in by_id]
        try:
            key, overlays = policy_inputs(chain or [node])
        except NoPolicyError:
            packs[node.pk] = None
            continue
        packs[node.pk] = _build_pack(key, overlays, year)
    return packs


def pack_for_profile(profile, year=None):
    return pack_for_node(profile.unit, year)


def validate_node_policy(node):
    """Model ``clean()`` for OrgNode: an installed pack, and the overlay applies to it."""
    from cadre_policy_plugin import rules

    if node.policy_key and node.policy_key not in installed_policy_keys():
        # Never echo what a path would read: the key is refused before anything loads.
        raise ValidationError({"policy_key": ValidationError(_("Choose one of the installed policy packs."),
                                                             code="policy_key_not_installed")})
    try:
        parse_overlay(node.overlay)
    except ValidationError as exc:
        raise ValidationError({"overlay": exc.error_list}) from None
    try:
        key, overlays = policy_inputs(_chain_for(node))
    except NoPolicyError:
        if node.overlay.strip():
            raise ValidationError({"overlay": _("An overlay needs a policy pack on this node or above.")},
                                  code="overlay_without_pack") from None
        return
    try:
        _build_pack(key, overlays)
    except (rules.PackError, rules.InputError, ValueError, KeyError, TypeError) as exc:
        field = "overlay" if node.overlay.strip() else "policy_key"
        raise ValidationError({field: _("The policy does not load: %(error)s") % {"error": exc}},
                              code="pack_error") from None
    _validate_descendant_overlays(node)


def _validate_descendant_overlays(node):
    """A changed pack or overlay must still suit every overlay written below the node."""
    from cadre_policy_plugin import rules

    if node.pk is None or not node.path:
        return
    below = type(node).objects.subtree_of(node, include_self=False).exclude(overlay="")
    for descendant in below:
        chain = [node if item.pk == node.pk else item for item in descendant.ancestors()]
        try:
            key, overlays = policy_inputs(chain)
            _build_pack(key, overlays)
        except (NoPolicyError, rules.PackError, rules.InputError, ValueError, KeyError, TypeError) as exc:
            raise ValidationError(
                {"policy_key" if node.policy_key else "overlay": _(
                    "The overlay of %(node)s below would no longer apply: %(error)s") % {
                    "node": descendant, "error": exc}}, code="descendant_overlay") from None


def describe_pack(pack):
    """A short JSON-able description used in audit details."""
    return json.loads(json.dumps({"key": pack.key, "unit": pack.unit}))
