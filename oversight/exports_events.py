"""The named events of the list exports (oversight/exports_services.py), with the labels the
audit log shows; registered with audit from OversightConfig.ready(). The codes are what is
stored: never rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportEvent(models.TextChoices):
    LIST_EXPORTED = "list_exported", _("导出列表")
    EXPORT_DOWNLOADED = "export_downloaded", _("下载导出文件")
