"""The named events of a flat's account over time (issue 15 §3: later joiners, sales), with
the labels the audit log shows; registered with audit from FundingConfig.ready(). The codes
are what is stored: never rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountEvent(models.TextChoices):
    LATE_JOIN_RECORDED = "late_join_recorded", _("登记后续加入补缴")
    LATE_JOIN_REVERSED = "late_join_reversed", _("冲销后续加入补缴")
    FLAT_TRANSFER_RECORDED = "flat_transfer_recorded", _("登记过户转移账户")
