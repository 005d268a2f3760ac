"""
Annual completion certificates (网络培训结业证书, Anhui Art. 11).

One certificate per learner and year, issued when the year status becomes met under
a pack that grants it.  ``serial`` is printed and human-friendly; ``verification_code``
is the unguessable code the public verification page accepts.  The hours by category
are frozen at issue time (the certificate states what was true when it was issued);
a later revocation that un-meets the year marks the certificate ``revoked``.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AnnualCertificate(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="cadre_annual_certificates", verbose_name=_("learner"))
    year = models.PositiveSmallIntegerField(_("academic year"))
    serial = models.CharField(_("serial number"), max_length=32, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=32, unique=True)
    real_name = models.CharField(_("name"), max_length=64)
    unit_name = models.CharField(_("unit"), max_length=200)
    policy_key = models.CharField(_("policy pack"), max_length=64)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=8, default="hours")
    totals = models.JSONField(_("hours by category"), default=dict)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("revocation reason"), blank=True)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("annual completion certificate")
        verbose_name_plural = _("annual completion certificates")
        constraints = [models.UniqueConstraint(fields=["user", "year"], name="cadre_annualcert_once")]

    def __str__(self):
        return self.serial

    @property
    def is_valid(self):
        return self.revoked_at is None
