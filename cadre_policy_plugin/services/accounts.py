"""
Real-name accounts: initial passwords, the forced first change, resets through the unit,
self-registration, leaving training and coming back (ADR 0016).

* **Initial passwords** (Fujian §2.1, Loudi Art. 8): a roster import, an approval or a
  reset by the unit administrator gives the learner an initial password — random and
  different for each learner, returned once for the administrator to hand over (never
  stored in plain text, never logged, never in the audit trail), or the academy's fixed
  ``CADRE_POLICY["INITIAL_PASSWORD"]`` where it insists (system check W004).  The profile
  is flagged ``password_change_required``; the middleware holds the learner on the change
  page until they choose their own.
* **Reset through the unit** (Fujian §2.1 "密码遗失由单位管理员重置"): only an administrator
  who may change the learner's file (their subtree; a read-only 联络员 may not) resets;
  the learner's open sessions end with the old password.
* **Self-registration** (Inner Mongolia 2018): the ID number is what the learner types as
  user name; the Open edX user name is derived from its keyed hash (so it never shows the
  number); the profile waits, unapproved, for the unit's approval.
* **Leaving** (Anhui Art. 8): retired/resigned/deceased/transferred closes cadre courses
  and, by policy (``LEAVING_ENDS_SIGN_IN``), sign-in; the training file and the registry
  records stay.  Academy staff can bring the learner back.

Every change is audited (``services/audit.py``) with masked identities only.
"""
import logging
import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadre_policy_plugin import identity
from cadre_policy_plugin.conf import cadre_setting, id_hash_key
from cadre_policy_plugin.models import LEAVING_STATUSES, LearnerProfile, LearnerStatus
from cadre_policy_plugin.services import roles, scope
from cadre_policy_plugin.services.audit import audit

log = logging.getLogger(__name__)

# Letters and digits a person can read aloud and type without confusing them (no 0/O, 1/l/I).
ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
DIGITS = "23456789"
LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"


def random_password(length=None):
    """A random initial password with at least one letter and one digit (``secrets``)."""
    length = max(8, length or cadre_setting("INITIAL_PASSWORD_LENGTH"))
    while True:
        value = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if any(ch in DIGITS for ch in value) and any(ch in LETTERS for ch in value):
            return value


def fixed_initial_password():
    """The academy's fixed initial password, or ``""`` (random per learner)."""
    return cadre_setting("INITIAL_PASSWORD") or ""


def username_for_id_hash(id_hash):
    """The Open edX user name of a learner registered by ID number: free of the number itself."""
    return f"cadre{id_hash[:12]}"


def _profile(user):
    return LearnerProfile.objects.select_related("user", "unit").get(user=user)


def issue_initial_password(profile, *, actor, action, reason=""):
    """
    Give ``profile``'s account a new initial password and flag the forced change.

    Returns the password (random, or the fixed one) for the caller to show once.
    ``action`` names the audit row (``account.initial_password`` or ``account.password_reset``).
    """
    password = fixed_initial_password() or random_password()
    user = profile.user
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        LearnerProfile.objects.filter(pk=profile.pk).update(password_change_required=True)
        profile.password_change_required = True
        audit(actor, action, target=profile, learner=user, reason=reason,
              detail={"id_number": profile.masked_id_number, "kind": "fixed" if fixed_initial_password() else "random"})
    return password


def reset_password(actor, learner_user, *, reason=""):
    """
    A unit administrator resets a learner's password to a new initial one (shown once).

    Refused (``PermissionDenied``) unless ``actor`` may change this learner's file
    (``scope.can_manage_learner``): the learner's unit lies in a subtree where ``actor`` is
    管理员 (a read-only 联络员 is refused), or ``actor`` is academy staff; and the account
    is one a learner-level action of ``actor`` may touch (``roles.may_act_on_account``:
    never a staff, superuser or academy account, an administrator's only inside ``actor``'s
    subtree).
    """
    if not scope.can_manage_learner(actor, learner_user):
        raise PermissionDenied(_("You may reset passwords only of learners in the units you administer."))
    if not roles.may_act_on_account(actor, learner_user):
        raise PermissionDenied(_("The passwords of administrators and staff are reset by the academy."))
    profile = _profile(learner_user)
    password = issue_initial_password(profile, actor=actor, action="account.password_reset", reason=reason)
    log.info("password of user %s reset by administrator %s", learner_user.pk, actor.pk)
    return password


def must_change_password(user):
    """True while ``user`` holds an initial password (one indexed query)."""
    return LearnerProfile.objects.filter(user_id=getattr(user, "pk", user), password_change_required=True).exists()


def change_password(user, new_password, *, old_password):
    """
    The learner replaces their password (initial or not).

    Raises ``ValidationError`` (``old_password``: wrong; ``new_password``: Django's
    validators, or the same as the initial one).  Clears the forced-change flag and audits.
    """
    if not user.check_password(old_password or ""):
        raise ValidationError({"old_password": _("The current password is wrong.")})
    if new_password == old_password:
        raise ValidationError({"new_password": _("Choose a password different from the initial one.")})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        forced = LearnerProfile.objects.filter(user=user, password_change_required=True).update(
            password_change_required=False)
        profile = LearnerProfile.objects.filter(user=user).first()
        audit(user, "account.password_changed", target=profile, learner=user,
              detail={"initial_password_replaced": bool(forced)})
    return bool(forced)


# ------------------------------------------------------------------ self-registration
def register(*, id_number, real_name, rank, unit, password, mobile="", email=""):
    """
    Self-registration (Inner Mongolia 2018): a new account and an unapproved profile.

    ``id_number`` is checked (GB 11643, check character included; a lower-case ``x`` is
    read as ``X``) and must not be on file (one person, one account).  The account can
    sign in (with the ID number) but cadre courses stay closed until the unit approves
    the profile in the console (``approved`` false, exactly like an unapproved import).
    Raises ``ValidationError`` with field keys.
    """
    from cadre_policy_plugin.models.learners import ID_NUMBER_MESSAGES

    errors = {}
    try:
        id_number = identity.check_id_number(id_number, today=timezone.localdate())
    except identity.IdNumberError as exc:
        errors["id_number"] = [ID_NUMBER_MESSAGES[exc.code]]
    if mobile:
        try:
            mobile = identity.check_mobile(mobile)
        except ValueError:
            errors["mobile"] = [_("A mobile number has 11 digits and starts with 13 to 19.")]
    if errors:
        raise ValidationError(errors)
    id_hash = identity.hash_id_number(id_number, id_hash_key())
    if LearnerProfile.objects.filter(id_number_hash=id_hash).exists():
        raise ValidationError({"id_number": [_("This ID number is already registered (one person, one account); "
                                                "sign in with it, or ask your unit to reset the password.")]})
    if mobile and LearnerProfile.objects.with_mobile(mobile).exists():
        raise ValidationError({"mobile": [_("This mobile number is already registered to another learner.")]})
    user_model = get_user_model()
    username = username_for_id_hash(id_hash)
    probe = user_model(username=username, email=email)
    try:
        password_validation.validate_password(password, probe)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    with transaction.atomic():
        if user_model.objects.filter(username=username).exists():
            raise ValidationError({"id_number": [_("This ID number is already registered (one person, one account); "
                                                    "sign in with it, or ask your unit to reset the password.")]})
        user = user_model(username=username, email=email, is_active=True, first_name=real_name[:150])
        user.set_password(password)
        user.save()
        profile = LearnerProfile(user=user, real_name=real_name, id_number=id_number, rank=rank, unit=unit,
                                 mobile=mobile, approved=False, status=LearnerStatus.ACTIVE,
                                 registered_on=timezone.localdate())
        profile.full_clean(exclude=["user"])
        profile.save()
        audit(user, "profile.self_register", target=profile, learner=user,
              detail={"id_number": profile.masked_id_number, "unit": unit.code})
    log.info("self-registration: user %s in unit %s, waiting for approval", user.pk, unit.pk)
    return profile


# ------------------------------------------------------------------ leaving training
def record_leaving(actor, profile, status, *, reason):
    """
    The learner retired, resigned, died or was transferred out (Anhui Art. 8).

    Cadre courses close (the profile is no longer active); by policy the account can no
    longer sign in; nothing of the training file or the registry records is removed.
    Refused unless ``actor`` may change the learner's file.
    """
    if status not in LEAVING_STATUSES:
        raise ValidationError({"status": _("Not a leaving status.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why (a reason is kept in the audit trail).")})
    if not scope.can_manage_learner(actor, profile.user):
        raise PermissionDenied(_("You may record leaving only for learners in the units you administer."))
    before = profile.status
    with transaction.atomic():
        profile.status = status
        profile.save()
        audit(actor, "profile.left_training", target=profile, learner=profile.user, reason=reason,
              detail={"id_number": profile.masked_id_number, "from": before, "to": status,
                      "sign_in_ended": not profile.user.is_active})
    return profile


def is_academy(user):
    """Academy staff (``cadre_policy.manage_academy`` or a superuser; ADR 0015), never ``is_staff`` alone."""
    return roles.is_academy_staff(user)


def return_to_training(actor, profile, *, reason):
    """
    Undo a leaving (a mistake, a re-hire): academy staff only.  The profile is active
    again and, if leaving had ended sign-in, so is the account.  Audited.
    """
    if not is_academy(actor):
        raise PermissionDenied(_("Only the academy can bring a learner back into training."))
    if profile.status not in LEAVING_STATUSES:
        raise ValidationError({"status": _("This learner is in training.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why (a reason is kept in the audit trail).")})
    before = profile.status
    user = profile.user
    with transaction.atomic():
        profile.status = LearnerStatus.ACTIVE
        profile.save()
        reactivated = not user.is_active
        if reactivated:
            type(user).objects.filter(pk=user.pk).update(is_active=True)
            user.is_active = True
        audit(actor, "profile.returned_to_training", target=profile, learner=user, reason=reason,
              detail={"id_number": profile.masked_id_number, "from": before, "account_reactivated": reactivated})
    return profile


# ------------------------------------------------------------------ approval
def approve_learner(actor, profile, *, initial_password=None, reason=""):
    """
    The unit approves a learner's registration (self-registered or imported unapproved).

    Sets ``approved``, activates an imported account that never signed in, and, when
    ``initial_password`` is true (default: when the account has no usable password, as
    an import leaves it), issues an initial password and returns it (shown once); else
    returns ``""``.  Refused unless ``actor`` may change the learner's file.
    """
    from cadre_policy_plugin.services.roster_import import activate_if_pending

    if not scope.can_manage_learner(actor, profile.user):
        raise PermissionDenied(_("You may approve only learners in the units you administer."))
    user = profile.user
    if initial_password is None:
        initial_password = not user.has_usable_password()
    with transaction.atomic():
        if not profile.approved:
            LearnerProfile.objects.filter(pk=profile.pk).update(approved=True)
            profile.approved = True
            if profile.is_active_learner:
                activate_if_pending(user)
            audit(actor, "profile.approve", target=profile, learner=user, reason=reason,
                  detail={"id_number": profile.masked_id_number})
        password = issue_initial_password(profile, actor=actor, action="account.initial_password",
                                          reason=reason) if initial_password else ""
    return password
