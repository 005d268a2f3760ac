"""
Correcting a learner's ID number, and merging two accounts of one person (issue 13).

Why an operation and not a field edit: the registry files every record under the ID
number.  Editing the number left the records already delivered under the old one --
a valid number that may be another person's -- and reconciliation reported the same
difference for ever.  A correction is therefore one transaction that

* changes the profile (the keyed hash too, so one person one account still holds),
* writes an insert-only :class:`IdentityCorrection` row (old and new number, who, why),
* writes the audit row (masked numbers only), and
* sends ``registry_identity_corrected`` inside the transaction, so the sync adapter's
  outbox row for the registry transfer commits or rolls back with it.

A merge keeps both accounts' ledgers as they are (append-only): the duplicate account
is deactivated, its registry identity from then on is the surviving account's (see
``services.profiles.registry_identity``), and its delivered records are transferred at
the registry to the survivor's number.  Both accounts' entries then add up to one
person at the registry, which is what reconciliation compares.
"""
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cadre_policy_plugin import identity, signals
from cadre_policy_plugin.conf import id_hash_key
from cadre_policy_plugin.data import IdentityCorrectionData
from cadre_policy_plugin.models import CorrectionKind, IdentityCorrection, LearnerProfile
from cadre_policy_plugin.models.learners import ID_NUMBER_MESSAGES
from cadre_policy_plugin.services import plausible, scope
from cadre_policy_plugin.services.audit import audit

log = logging.getLogger(__name__)


def to_data(row):
    return IdentityCorrectionData(uuid=str(row.uuid), kind=row.kind, user_id=row.user_id,
                                  into_user_id=row.into_user_id, old_id_number=row.old_id_number,
                                  new_id_number=row.new_id_number, at=row.at)


def _check_actor(by, *learners):
    for learner in learners:
        if by is not None and not scope.can_administer_learner(by, learner):
            raise PermissionDenied(_("This learner is outside the units you administer."))


def _check_reason(reason):
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("A reason is required to correct an identity.")]}, code="reason")
    problem = plausible.text_problem(reason)
    if problem:
        raise ValidationError({"reason": [problem]}, code="reason")


def _locked_profile(user):
    """The profile row locked alone (``ledger.lock_profile``): never its unit's row, so a unit is not serialised."""
    from cadre_policy_plugin.services.ledger import lock_profile

    profile = lock_profile(getattr(user, "pk", user))
    if profile is None:
        raise ValidationError(_("This user has no learner profile."), code="no_profile")
    return profile


def _publish(row):
    data = to_data(row)
    signals.registry_identity_corrected.send(sender=IdentityCorrection, correction=data)
    return data


def correct_id_number(user, new_id_number, *, by, reason):
    """
    Correct ``user``'s ID number and queue the transfer of their registry records.

    Returns the :class:`IdentityCorrectionData`.  Raises ``PermissionDenied`` outside
    ``by``'s subtree and ``ValidationError`` for a bad or unchanged number, a number
    another learner holds (merge the accounts instead) or a missing reason.
    """
    _check_reason(reason)
    try:
        new_id_number = identity.check_id_number(new_id_number)
    except identity.IdNumberError as exc:
        raise ValidationError({"new_id_number": [ID_NUMBER_MESSAGES[exc.code]]}, code=f"id_number_{exc.code}") from None
    with transaction.atomic():
        profile = _locked_profile(user)
        _check_actor(by, profile.user)
        if profile.id_number == new_id_number:
            raise ValidationError({"new_id_number": [_("This is already the learner's ID number.")]},
                                  code="id_number_unchanged")
        digest = identity.hash_id_number(new_id_number, id_hash_key())
        if LearnerProfile.objects.filter(id_number_hash=digest).exclude(pk=profile.pk).exists():
            raise ValidationError({"new_id_number": [_(
                "Another learner has this ID number: if both accounts are one person, merge them.")]},
                code="id_number_taken")
        old = profile.id_number
        profile.id_number = new_id_number
        profile.save()
        row = IdentityCorrection.objects.create(kind=CorrectionKind.CORRECT, user=profile.user, old_id_number=old,
                                                new_id_number=new_id_number, by=by, reason=reason)
        audit(by, "identity.correct", target=row, learner=profile.user, reason=reason,
              detail={"old": identity.mask_id_number(old), "new": identity.mask_id_number(new_id_number)})
        data = _publish(row)
    log.info("identity: corrected the ID number of user %s (correction %s)", profile.user_id, data.uuid)
    return data


def merge_accounts(duplicate, into, *, by, reason):
    """
    Merge ``duplicate`` (an account of the same person as ``into``) into ``into``:
    the duplicate is deactivated and its registry records move to ``into``'s number.

    Returns the :class:`IdentityCorrectionData`; raises ``ValidationError`` for one
    account merged into itself, an account already merged, or a missing reason.
    """
    _check_reason(reason)
    with transaction.atomic():
        first, second = sorted([getattr(duplicate, "pk", duplicate), getattr(into, "pk", into)])
        locked = {first: _locked_profile(first), second: _locked_profile(second)}
        source = locked[getattr(duplicate, "pk", duplicate)]
        target = locked[getattr(into, "pk", into)]
        if source.pk == target.pk:
            raise ValidationError(_("An account cannot be merged into itself."), code="merge_self")
        _check_actor(by, source.user, target.user)
        if merged_into(source.user_id) is not None or merged_into(target.user_id) is not None:
            raise ValidationError(_("One of these accounts is already merged into another."), code="merge_twice")
        row = IdentityCorrection.objects.create(kind=CorrectionKind.MERGE, user=source.user, into_user=target.user,
                                                old_id_number=source.id_number, new_id_number=target.id_number,
                                                by=by, reason=reason)
        type(source.user).objects.filter(pk=source.user_id).update(is_active=False)
        audit(by, "identity.merge", target=row, learner=source.user, reason=reason,
              detail={"into_user": target.user_id, "old": source.masked_id_number, "new": target.masked_id_number})
        data = _publish(row)
    log.info("identity: merged user %s into user %s (correction %s)", source.user_id, target.user_id, data.uuid)
    return data


def merged_into(user_id):
    """The user id an account was merged into, or ``None``."""
    return (IdentityCorrection.objects.filter(kind=CorrectionKind.MERGE, user_id=user_id)
            .values_list("into_user_id", flat=True).first())


def get_correction(correction_uuid):
    """The :class:`IdentityCorrectionData` of one correction, or ``None``."""
    row = IdentityCorrection.objects.filter(uuid=correction_uuid).first()
    return to_data(row) if row else None


def corrections_for(user_ids):
    """Every correction of these users, oldest first (for reconciliation)."""
    return [to_data(row) for row in IdentityCorrection.objects.filter(user_id__in=list(user_ids))]
