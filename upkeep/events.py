"""The named events of the elevator's register (upkeep/audit.py), with the labels the audit
log shows; registered with audit from UpkeepConfig.ready(). The codes are what is stored:
never rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UpkeepEvent(models.TextChoices):
    REGISTER_SAVED = "upkeep_register_saved", _("登记电梯使用管理档案")
    USE_REGISTERED = "upkeep_use_registered", _("登记电梯使用登记证")
    CONTRACT_RECORDED = "upkeep_contract_recorded", _("登记维护保养合同")
    INSPECTION_RECORDED = "upkeep_inspection_recorded", _("登记定期检验")
    VISIT_RECORDED = "upkeep_visit_recorded", _("登记维护保养记录")
    VISIT_SCAN_DOWNLOADED = "upkeep_visit_scan_downloaded", _("下载维护保养记录扫描件")
    COST_RECORDED = "upkeep_cost_recorded", _("登记电梯运行费用")
    COSTS_PUBLISHED = "upkeep_costs_published", _("向业主公布运行费用")
    REMINDER_SENT = "upkeep_reminder_sent", _("发送电梯到期提醒")
    SHARES_EXPORTED = "upkeep_shares_exported", _("导出电梯产权份额表")
    MEMBER_ADDED = "upkeep_member_added", _("添加使用单位账号")
    MEMBER_REMOVED = "upkeep_member_removed", _("移除使用单位账号")
