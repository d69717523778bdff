"""The named events of the documents app (documents/audit.py), with the labels the audit
log shows; registered with audit from DocumentsConfig.ready(). The codes are what is
stored: never rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentEvent(models.TextChoices):
    DOCUMENT_GENERATED = "document_generated", _("生成文书")
    DOCUMENT_DOWNLOADED = "document_downloaded", _("下载文书")
