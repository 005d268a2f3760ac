"""
Learner profiles as other apps see them: active/approved, registry identity, the
learning rules the XBlock enforces.
"""
import dataclasses
from decimal import Decimal

from cadre_policy_plugin.data import RegistryIdentity
from cadre_policy_plugin.models import LearnerProfile, LearnerStatus
from cadre_policy_plugin.policy import NoPolicyError, pack_for_profile


def profile_of(user):
    user_id = getattr(user, "pk", user)
    return LearnerProfile.objects.select_related("unit", "user").filter(user_id=user_id).first()


def has_active_profile(user):
    """An approved, active real-name profile (Anhui Art. 8, Loudi Art. 8)."""
    return LearnerProfile.objects.filter(user_id=getattr(user, "pk", user), approved=True,
                                         status=LearnerStatus.ACTIVE).exists()


def region_key_for(profile):
    """The nearest ``region_key`` up the tree; else the pack's region."""
    for node in reversed(profile.unit.ancestors()):
        if node.region_key:
            return node.region_key
    try:
        return pack_for_profile(profile).region
    except NoPolicyError:
        return ""


def _identities_of_profiles(user_ids):
    """
    What the registry files each learner's records under: ``{user_id: RegistryIdentity}``
    for a batch of user ids, learners without a profile left out.  One query for the
    profiles (plain values with their unit's path: a batch of 200 builds no model
    instance), one for every node on those paths (region keys and packs), whatever the
    batch size.

    .. pii: returns full ID numbers, for the registry payload only; never log them.
    """
    from cadre_policy_plugin.models import OrgNode
    from cadre_policy_plugin.models.org import path_ids
    from cadre_policy_plugin.policy import packs_for_nodes

    ids = {int(user_id) for user_id in user_ids}
    if not ids:
        return {}
    rows = list(LearnerProfile.objects.filter(user_id__in=ids)
                .values_list("user_id", "id_number", "real_name", "unit_id", "unit__path"))
    chains = {unit_id: path_ids(path) for _user, _number, _name, unit_id, path in rows}
    by_id = OrgNode.objects.on_paths(path for *_profile, path in rows)
    region_of, needs_pack = {}, []
    for unit_id, chain in chains.items():
        nodes = [by_id[pk] for pk in chain if pk in by_id]
        region = next((node.region_key for node in reversed(nodes) if node.region_key), "")
        region_of[unit_id] = region
        if not region and unit_id in by_id:
            needs_pack.append(by_id[unit_id])
    if needs_pack:
        for pk, pack in packs_for_nodes(needs_pack, by_id=by_id).items():
            region_of[pk] = pack.region if pack is not None else ""
    return {user_id: RegistryIdentity(user_id=user_id, id_number=number, real_name=name,
                                      unit_code=by_id[unit_id].code if unit_id in by_id else "",
                                      region_key=region_of[unit_id])
            for user_id, number, name, unit_id, _path in rows}


def registry_identities(user_ids):
    """
    What the registry files each learner's records under: ``{user_id: RegistryIdentity}``
    for a batch; an account merged into another (issue 13) is filed under the surviving
    account's identity.  Learners without a profile are left out.

    .. pii: returns full ID numbers, for the registry payload only; never log them.
    """
    from cadre_policy_plugin.models import CorrectionKind, IdentityCorrection

    ids = {int(user_id) for user_id in user_ids}
    person_of = {user_id: user_id for user_id in ids}
    pending = set(ids)
    for _step in range(8):  # merges chain at most this deep
        merged = dict(IdentityCorrection.objects.filter(kind=CorrectionKind.MERGE, user_id__in=pending)
                      .values_list("user_id", "into_user_id"))
        if not merged:
            break
        for user_id, person in person_of.items():
            if person in merged:
                person_of[user_id] = merged[person]
        pending = set(merged.values())
    found = _identities_of_profiles(set(person_of.values()))
    return {user_id: found[person] if person == user_id else dataclasses.replace(found[person], user_id=user_id)
            for user_id, person in person_of.items() if person in found}


def registry_identity(user_id):
    """
    What the registry files a record under (one learner: ``registry_identities`` of one).

    .. pii: returns the full ID number, for the registry payload only; never log it.
    """
    identity = registry_identities([user_id]).get(int(user_id))
    if identity is None:
        raise LearnerProfile.DoesNotExist(f"user {user_id} has no learner profile")
    return identity


DEFAULT_LEARNING_RULES = {"max_playback_rate": Decimal("1.0"), "daily_cap_minutes": None}


def learning_rules_for(user):
    """Playback-rate ceiling and daily cap of the learner's pack (strict defaults without one)."""
    profile = profile_of(user)
    if profile is None:
        return dict(DEFAULT_LEARNING_RULES)
    try:
        pack = pack_for_profile(profile)
    except NoPolicyError:
        return dict(DEFAULT_LEARNING_RULES)
    return {"max_playback_rate": pack.max_playback_rate, "daily_cap_minutes": pack.daily_cap_minutes}
