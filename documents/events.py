"""The named events of the documents app (documents/audit.py), with the labels the audit
log shows; registered with audit from DocumentsConfig.ready(). The codes are what is
stored: never rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentEvent(models.TextChoices):
    DOCUMENT_GENERATED = "document_generated", _("生成文书")
    DOCUMENT_DOWNLOADED = "document_downloaded", _("下载文书")
    EVIDENCE_BUNDLE_BUILT = "evidence_bundle_built", _("生成证据包")
    EVIDENCE_BUNDLE_FAILED = "evidence_bundle_failed", _("证据包生成失败")
    EVIDENCE_BUNDLE_DOWNLOADED = "evidence_bundle_downloaded", _("下载证据包")
