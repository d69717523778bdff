"""The named events of the money (funding/audit.py), with the labels the audit log shows;
registered with audit from FundingConfig.ready(). The codes are what is stored: never
rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingEvent(models.TextChoices):
    FUNDING_PLAN_SET = "funding_plan_set", _("登记资金筹集方案")
    FLOOR_COEFFICIENTS_SET = "floor_coefficients_set", _("登记楼层分摊系数")
