"""The named events of the public notice (notices/audit.py), with the labels the audit log
shows; registered with audit from NoticesConfig.ready(). The codes are what is stored:
never rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeEvent(models.TextChoices):
    NOTICE_PUBLISHED = "notice_published", _("发布公示")
    NOTICE_PHOTO_ADDED = "notice_photo_added", _("上传公示张贴照片")
    NOTICE_TAKEN_DOWN = "notice_taken_down", _("登记公示撤下")
    NOTICE_PHOTO_DOWNLOADED = "notice_photo_downloaded", _("下载公示张贴照片")
    # Objections (issue 13 §2)
    OBJECTION_RECEIVED = "objection_received", _("受理公示异议")
    OBJECTION_CONTACT_RECORDED = "objection_contact_recorded", _("登记异议联系情况")
    OBJECTION_MEETING_RECORDED = "objection_meeting_recorded", _("登记异议调解会")
    OBJECTION_CLOSED = "objection_closed", _("公示异议办结并书面答复")
    OBJECTION_FILE_DOWNLOADED = "objection_file_downloaded", _("下载异议附件")
    OBJECTION_VIEWED = "objection_viewed", _("查看异议（含异议人个人信息）")
