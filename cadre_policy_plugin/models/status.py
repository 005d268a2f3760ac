"""
``YearStatus``: a cache of the rules engine's answer for one learner and year.

Never a second source of truth: it is rebuilt from the ledger by
``services.evaluation.recompute_year`` whenever the learner's entries, rank, unit or
policy change, and can be rebuilt wholesale with
``manage.py cadre_recompute_year_status``.  It exists so that unit summaries and
circulars are one indexed query instead of one engine run per learner.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

AMOUNT = {"max_digits": 10, "decimal_places": 2, "default": 0}


class YearStatus(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="cadre_year_statuses", verbose_name=_("learner"))
    year = models.PositiveSmallIntegerField(_("academic year"))
    policy_key = models.CharField(_("policy pack"), max_length=64)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=8, default="hours")
    unit = models.ForeignKey("cadre_policy.OrgNode", null=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("unit"))
    met = models.BooleanField(_("met"), default=False)
    total_needed = models.DecimalField(_("total needed"), **AMOUNT)
    total_earned = models.DecimalField(_("total earned"), **AMOUNT)
    required_needed = models.DecimalField(_("required needed"), **AMOUNT)
    required_earned = models.DecimalField(_("required earned"), **AMOUNT)
    detail = models.JSONField(_("engine result"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        app_label = "cadre_policy"
        verbose_name = _("year status")
        verbose_name_plural = _("year statuses")
        constraints = [models.UniqueConstraint(fields=["user", "year"], name="cadre_yearstatus_once")]
        indexes = [models.Index(fields=["unit", "year"])]

    def __str__(self):
        return f"{self.user_id} {self.year} {'met' if self.met else 'open'}"
