"""The named events of withdrawals and the subsidy (issue 15 §2), registered with audit from
FundingConfig.ready(). The codes are what is stored: never rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WithdrawalEvent(models.TextChoices):
    WITHDRAWAL_APPLIED = "withdrawal_applied", _("提交提取申请")
    WITHDRAWAL_RESUBMITTED = "withdrawal_resubmitted", _("补正后重新提交提取申请")
    WITHDRAWAL_DECIDED = "withdrawal_decided", _("审核提取申请")
    WITHDRAWAL_PAID = "withdrawal_paid", _("提取款到账入账")
    WITHDRAWAL_PACKET_PRINTED = "withdrawal_packet_printed", _("打印提取申请表")
    SUBSIDY_CLAIMED = "subsidy_claimed", _("申请增设电梯补贴")
    SUBSIDY_PAID = "subsidy_paid", _("增设电梯补贴到账")
    FUNDING_RULES_SAVED = "funding_rules_saved", _("修改辖区资金规则")
