"""
Identity corrections: a learner's ID number corrected, or two accounts of one person merged.

Why a row of its own: the registry files every record under the ID number, so a
correction is an event the registry must hear about (the records already delivered are
re-filed under the new number).  The old number is needed until that transfer is
delivered and to check afterwards that nothing is left under it, so it is kept here,
with who corrected it, when and why.  Like the ledger and the audit trail, the table
is insert-only.

.. pii: ``old_id_number`` and ``new_id_number`` are national ID numbers; they are shown
   masked only and never logged.
.. pii_retirement: retained — the training file and its history must be kept.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadre_policy_plugin import identity


class CorrectionImmutableError(Exception):
    """An identity correction row was about to be changed or deleted."""


class CorrectionKind(models.TextChoices):
    CORRECT = "correct", _("ID number corrected")
    MERGE = "merge", _("Accounts of one person merged")


class IdentityCorrectionQuerySet(models.QuerySet):
    def delete(self):
        raise CorrectionImmutableError("identity corrections are never deleted")

    def update(self, **kwargs):
        raise CorrectionImmutableError("identity corrections are never updated")


class IdentityCorrection(models.Model):
    """
    ``user``'s records at the registry move from ``old_id_number`` to ``new_id_number``.

    For a merge ``user`` is the duplicate account (deactivated) and ``into_user`` the
    account that stays; the duplicate's records are filed under the survivor's number.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=CorrectionKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("learner"))
    into_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("merged into"))
    old_id_number = models.CharField(_("old ID number"), max_length=18)
    new_id_number = models.CharField(_("new ID number"), max_length=18)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("who"))
    reason = models.TextField(_("why"))
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = IdentityCorrectionQuerySet.as_manager()

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("identity correction")
        verbose_name_plural = _("identity corrections")
        ordering = ("at", "id")

    def __str__(self):
        return f"{self.kind} {self.masked_old} -> {self.masked_new}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise CorrectionImmutableError("identity corrections are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise CorrectionImmutableError("identity corrections are never deleted")

    @property
    def masked_old(self):
        return identity.mask_id_number(self.old_id_number)

    @property
    def masked_new(self):
        return identity.mask_id_number(self.new_id_number)
