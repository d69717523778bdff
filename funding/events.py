"""The named events of the money (funding/audit.py), with the labels the audit log shows;
registered with audit from FundingConfig.ready(). The codes are what is stored: never
rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingEvent(models.TextChoices):
    FUNDING_PLAN_SET = "funding_plan_set", _("登记资金筹集方案")
    FLOOR_COEFFICIENTS_SET = "floor_coefficients_set", _("登记楼层分摊系数")
    LEDGER_ENTRY_RECORDED = "ledger_entry_recorded", _("登记收支分录")
    LEDGER_ENTRY_REVERSED = "ledger_entry_reversed", _("冲销收支分录")
    LEDGER_MILESTONE_ADDED = "ledger_milestone_added", _("登记合同付款节点")
    LEDGER_RECEIPT_PRINTED = "ledger_receipt_printed", _("打印收款收据")
    LEDGER_VOUCHER_DOWNLOADED = "ledger_voucher_downloaded", _("下载收支凭证")
    LEDGER_STATEMENT_PRINTED = "ledger_statement_printed", _("打印月度收支明细")
