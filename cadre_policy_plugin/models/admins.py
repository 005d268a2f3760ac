"""
Unit administrators (Fujian §5.1: each unit has a dedicated administrator).

An ``UnitAdministrator`` row gives a user the right to see and edit the learners and
ledger entries in the subtree below ``node`` — in the Django admin and the REST API.
A user may administer several nodes; superusers see everything.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitAdministrator(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="cadre_administered", verbose_name=_("administrator"))
    node = models.ForeignKey("cadre_policy.OrgNode", on_delete=models.CASCADE,
                             related_name="administrators", verbose_name=_("organisation node"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("unit administrator")
        verbose_name_plural = _("unit administrators")
        constraints = [models.UniqueConstraint(fields=["user", "node"], name="cadre_unitadmin_once")]

    def __str__(self):
        return f"{self.user} → {self.node}"
