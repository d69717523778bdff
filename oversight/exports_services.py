"""The list exports' writes: the audit events, and the background jobs (ExportJob).

A list of up to `EXPORT_SYNC_MAX_ROWS` rows is written while the click waits (`list_export`
returns the file's bytes). A longer one is recorded (`export_job_start`) and written by a
thread of this process once the record is committed, as documents' evidence bundles are
(documents/services.py): the thread re-reads the list with the owner's rights and the
list's query string, writes the file to a temporary file, writes how far it got onto the row
(at most five times a second, for the progress page), and keeps the finished file in private
storage. A job silent for `EXPORT_STALE_AFTER` was cut off with its process: shown failed."""

from __future__ import annotations

import datetime
import functools
import logging
import tempfile
import threading
import time

from django.conf import settings
from django.contrib import admin
from django.core.files import File
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from audit.services import log_event

from .exports import WRITERS, ExportRefused, ExportTable, export_table, may_export_full
from .exports_events import ExportEvent
from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)

EXPORT_STALE_AFTER = datetime.timedelta(minutes=10)
_PROGRESS_EVERY_SECONDS = 0.2
EXPORT_LANGUAGE = "zh-hans"  # the exports' headers and labels are Chinese whatever the page's language


def sync_max_rows() -> int:
    return settings.EXPORT_SYNC_MAX_ROWS


def list_table(*, model_admin, user, query: str, full: bool) -> ExportTable:
    """The list's table, its labels in Chinese; ExportRefused says why not."""
    with override(EXPORT_LANGUAGE):
        return export_table(model_admin=model_admin, user=user, query=query, full=full)


def log_export(*, actor, table: ExportTable, fmt: str, full: bool, rows: int, query: str, job=None) -> None:
    message = _("导出列表：%(name)s，%(rows)s行，%(format)s") % {"name": table.title, "rows": rows, "format": fmt}
    if full:
        message += _("（含完整证件号码和手机号）")
    log_event(
        event=ExportEvent.LIST_EXPORTED,
        actor=actor,
        obj=job,
        message=message,
        data={"list": table.title, "rows": rows, "format": fmt, "full_personal_data": full, "query": query[:500]},
    )


def list_export(*, model_admin, table: ExportTable, actor, fmt: str, full: bool, query: str) -> bytes:
    """A short list's file, written now; the export is logged in the same transaction."""
    with tempfile.TemporaryFile(prefix="export-") as temp, override(EXPORT_LANGUAGE):
        rows = WRITERS[fmt](table, temp)
        with transaction.atomic():
            log_export(actor=actor, table=table, fmt=fmt, full=full, rows=rows, query=query)
        temp.seek(0)
        return temp.read()


def export_job_start(*, model_admin, table: ExportTable, actor, fmt: str, full: bool, query: str) -> ExportJob:
    """Record a long list's export and write it in a thread once the record is committed."""
    with transaction.atomic():
        job = ExportJob.objects.create(
            owner=actor,
            list_label=model_admin.model._meta.label_lower,
            list_name=table.title,
            query=query,
            format=fmt,
            full_personal_data=full and may_export_full(actor),
            rows_total=table.total,
        )
        transaction.on_commit(functools.partial(_run_in_thread, job.pk))
    return job


def _run_in_thread(job_pk: int) -> None:
    thread = threading.Thread(target=_run_and_close, args=(job_pk,), name=f"list-export-{job_pk}", daemon=False)
    thread.start()


def _run_and_close(job_pk: int) -> None:
    try:
        export_job_run(job=ExportJob.objects.select_related("owner").get(pk=job_pk))
    except Exception:  # export_job_run records its own failures; this is the rest
        logger.exception("list export %s: the background run failed", job_pk)
    finally:
        connections.close_all()  # the thread's own connection


class _Progress:
    def __init__(self, job_pk: int):
        self.job_pk, self.last = job_pk, 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < _PROGRESS_EVERY_SECONDS:
            return
        self.last = now
        ExportJob.objects.filter(pk=self.job_pk).update(rows_done=done, progressed_at=timezone.now())


def export_job_run(*, job: ExportJob, model_admin=None) -> ExportJob:
    """Write a recorded job's file: the list re-read with its owner's rights (a right lost
    meanwhile fails the job), the rows written, the file kept, the export logged. A failure
    is recorded on the row with its reason in Chinese."""
    if model_admin is None:
        model_admin = model_admin_for(job.list_label)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, progressed_at=timezone.now())
    try:
        if model_admin is None:
            raise ExportRefused(_("该列表已不存在。"))
        table = list_table(model_admin=model_admin, user=job.owner, query=job.query, full=job.full_personal_data)
        ExportJob.objects.filter(pk=job.pk).update(rows_total=table.total)
        with tempfile.TemporaryFile(prefix="export-") as temp, override(EXPORT_LANGUAGE):
            rows = WRITERS[job.format](table, temp, _Progress(job.pk))
            temp.seek(0)
            with transaction.atomic():
                record = ExportJob.objects.select_for_update(of=("self",), no_key=True).get(pk=job.pk)
                record.file.save(f"export.{job.format}", File(temp), save=False)
                record.status, record.rows_done, record.rows_total = ExportStatus.DONE, rows, rows
                record.finished_at = record.progressed_at = timezone.now()
                record.save()
                log_export(
                    actor=job.owner,
                    table=table,
                    fmt=job.format,
                    full=job.full_personal_data,
                    rows=rows,
                    query=job.query,
                    job=record,
                )
        return record
    except ExportRefused as refusal:
        return _fail(job, str(refusal))
    except Exception:
        logger.exception("list export %s of %s failed", job.pk, job.list_label)
        return _fail(job, _("服务器内部错误，请稍后重试或联系系统管理员。"))


def _fail(job: ExportJob, reason: str) -> ExportJob:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.FAILED, error=reason, finished_at=timezone.now(), progressed_at=timezone.now(), file=""
    )
    job.refresh_from_db()
    return job


def job_is_stale(job: ExportJob, now: datetime.datetime | None = None) -> bool:
    live = job.status in (ExportStatus.PENDING, ExportStatus.RUNNING)
    return live and job.progressed_at < (now or timezone.now()) - EXPORT_STALE_AFTER


def model_admin_for(label: str):
    """The registered ModelAdmin of a list (`app_label.model_name`), or None."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.label_lower == label:
            return model_admin
    return None


def export_downloaded(*, job: ExportJob, actor) -> None:
    log_event(
        event=ExportEvent.EXPORT_DOWNLOADED,
        actor=actor,
        obj=job,
        message=_("下载导出文件：%(name)s #%(pk)s") % {"name": job.list_name, "pk": job.pk},
        data={"rows": job.rows_total, "format": job.format, "full_personal_data": job.full_personal_data},
    )
