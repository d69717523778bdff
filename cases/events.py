"""The named events cases writes to the audit log (cases/audit.py), with the labels the log
shows; registered with audit from CasesConfig.ready(). A new event is a new line here, no
migration. The codes are what is stored: never rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseEvent(models.TextChoices):
    CASE_OPENED = "case_opened", _("立案")
    CASE_DETAILS_CHANGED = "case_details_changed", _("修改案件信息")
    CASE_STEP_STARTED = "case_step_started", _("程序开始")
    CASE_STEP_SKIPPED = "case_step_skipped", _("程序无需办理")
    CASE_STEP_SUBMITTED = "case_step_submitted", _("提交申报")
    CASE_STEP_DECIDED = "case_step_decided", _("部门审查决定")
    CASE_COMPLETED = "case_completed", _("案件办结")
    NOTICE_PERIOD_SET = "notice_period_set", _("登记公示期")
    PAPER_SUBMISSION_RECORDED = "paper_submission_recorded", _("登记窗口收件")
    ATTACHMENT_ADDED = "attachment_added", _("上传材料")
    ATTACHMENT_DOWNLOADED = "attachment_downloaded", _("下载材料")
    RECORD_CREATED = "record_created", _("新增记录")
    RECORD_CHANGED = "record_changed", _("修改记录")
    RECORD_DELETED = "record_deleted", _("删除记录")
    PERSONAL_DATA_VIEWED = "personal_data_viewed", _("查看个人信息")
    # Signing in to the back office (cases/sign_ins.py); owners' own sign-ins are owners'.
    STAFF_SIGNED_IN = "staff_signed_in", _("后台登录")
    SIGN_IN_FAILED = "sign_in_failed", _("登录失败")
    HOLIDAY_CALENDAR_SET = "holiday_calendar_set", _("录入节假日安排")
    STEP_TIME_LIMIT_SET = "step_time_limit_set", _("设置办理时限")
