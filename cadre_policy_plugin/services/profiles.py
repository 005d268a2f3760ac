"""
Learner profiles as other apps see them: active/approved, registry identity, the
learning rules the XBlock enforces.
"""
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


def registry_identity(user_id):
    """
    What the registry files a record under.

    .. pii: returns the full ID number, for the registry payload only; never log it.
    """
    profile = profile_of(user_id)
    if profile is None:
        raise LearnerProfile.DoesNotExist(f"user {user_id} has no learner profile")
    return RegistryIdentity(user_id=profile.user_id, id_number=profile.id_number, real_name=profile.real_name,
                            unit_code=profile.unit.code, region_key=region_key_for(profile))


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
