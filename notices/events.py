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
