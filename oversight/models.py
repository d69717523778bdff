"""Oversight's own records: the list exports that run in the background (issue 16 §4).

An export of a staff list over `EXPORT_SYNC_MAX_ROWS` rows is an ExportJob: recorded by the
click, written by a thread after the record is committed (oversight.exports_services), its
progress on the row (n/N) for the progress page, its file kept privately for its owner alone.
A job names the list (`app_label.model_name`) and the list's own query string, so the rows
are the ones the list showed, re-read with the list's own filters at run time."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel（.xlsx）")
    CSV = "csv", _("CSV（.csv）")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("导出中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("导出失败")


def export_path(instance: "ExportJob", filename: str) -> str:
    # Private storage; the name carries nothing a user typed (the list's name is shown from the row).
    return f"exports/{instance.owner_id}/export-{instance.pk:06d}-{secrets.token_hex(8)}.{instance.format}"


class ExportJob(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT, related_name="+"
    )
    list_label = models.CharField(_("列表"), max_length=100)  # app_label.model_name of the ModelAdmin
    list_name = models.CharField(_("列表名称"), max_length=100)
    query = models.TextField(_("筛选条件"), blank=True)  # the list's query string, as it was clicked
    format = models.CharField(_("格式"), max_length=4, choices=ExportFormat.choices)
    # 含完整证件号码和手机号: chosen by someone who may see them (oversight.exports.may_export_full).
    full_personal_data = models.BooleanField(_("含完整个人信息"), default=False)
    status = models.CharField(_("状态"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    rows_done = models.PositiveIntegerField(_("已导出行数"), default=0)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    # The last sign of life of the thread: a job silent for long was cut off with its process.
    progressed_at = models.DateTimeField(_("最近进度时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to=export_path, max_length=200, blank=True)
    error = models.TextField(_("失败原因"), blank=True)

    class Meta:
        verbose_name = _("我的导出")
        verbose_name_plural = _("我的导出")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="export_job_owner_newest")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ExportStatus.values), name="export_job_status_known"),
            models.CheckConstraint(condition=Q(format__in=ExportFormat.values), name="export_job_format_known"),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(file=""), name="export_job_done_has_file"),
            models.CheckConstraint(condition=Q(status="done") | Q(file=""), name="export_job_file_only_when_done"),
        ]

    def __str__(self) -> str:
        return f"{self.list_name} #{self.pk}"
