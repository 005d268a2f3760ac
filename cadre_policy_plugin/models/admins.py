"""
Unit administrators (Fujian §5.1: each unit has a dedicated administrator; Loudi
Art. 13 and the Inner Mongolia 2018 notice §4(三): every unit names a 联络员).

A ``UnitAdministrator`` row is the whole grant of a unit administrator: no
``is_staff`` (Open edX global staff) and no Django model permission is needed or
implied.  The row gives the user ``role`` over the subtree below ``node``:

* 管理员 (``admin``): read and change the learners and ledger entries of the subtree;
* 联络员 (``liaison``): read only (files, reports), never a change.

A user may administer several nodes; the strongest role on a node or above it applies
(``services/roles.py``).  Academy staff (the ``cadre_policy.manage_academy``
permission, ADR 0015) see every node.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AdministratorRole(models.TextChoices):
    """What a ``UnitAdministrator`` row lets its user do below its node."""

    ADMIN = "admin", _("Administrator (管理员): reads and changes")
    LIAISON = "liaison", _("Liaison (联络员): reads only")


class UnitAdministrator(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="cadre_administered", verbose_name=_("administrator"))
    node = models.ForeignKey("cadre_policy.OrgNode", on_delete=models.CASCADE,
                             related_name="administrators", verbose_name=_("organisation node"))
    role = models.CharField(_("role"), max_length=16, choices=AdministratorRole.choices,
                            default=AdministratorRole.ADMIN)
    created = models.DateTimeField(_("appointed at"), auto_now_add=True)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("unit administrator")
        verbose_name_plural = _("unit administrators")
        constraints = [models.UniqueConstraint(fields=["user", "node"], name="cadre_unitadmin_once")]

    def __str__(self):
        return f"{self.get_role_display()} → {self.node}"

    @property
    def can_change(self):
        return self.role == AdministratorRole.ADMIN
