"""The list exports' pages, inside the admin (ExportJobAdmin.get_urls, oversight/exports_admin.py):

- the export (`admin:oversight_export`, list and format; `…_full` with the full personal
  data): the list's own query string rides along unchanged. Up to EXPORT_SYNC_MAX_ROWS rows
  the file comes back at once; more, and a job is recorded and the progress page opens;
- the progress page (`admin:oversight_export_progress`): "正在导出… 1500/4200", polled by
  documents/evidence.js (the evidence bundle's script, reused as it is), then the download;
- the status (`admin:oversight_export_status`): JSON, for the script;
- the download (`admin:oversight_export_download`): audit.downloads.private_file_response.

Who: the list's own ModelAdmin decides (`has_view_or_change_permission`: a list the user
cannot open is a 403, and its rows are its `get_queryset`'s, scoped to the user's district).
A job is its owner's alone: anyone else's is a 404, superusers included.
"""

import functools
import urllib.parse

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.downloads import private_file_response

from . import exports_services as services
from .exports import CONTENT_TYPES, WRITERS, ExportRefused, export_filename, list_request, may_export_full
from .models import ExportJob, ExportStatus


def _model_admin(app_label: str, model_name: str):
    model_admin = services.model_admin_for(f"{app_label}.{model_name}")
    if model_admin is None:
        raise Http404(_("没有这个列表。"))
    return model_admin


def _list_url(model_admin, query: str) -> str:
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{query}" if query else url


@require_GET
def export_list(request, admin_site, app_label: str, model_name: str, fmt: str, full: bool = False):
    if fmt not in WRITERS:
        raise Http404(_("没有这种导出格式。"))
    model_admin = _model_admin(app_label, model_name)
    query = request.GET.urlencode()  # the list's query string, decoded and written again
    if not model_admin.has_view_or_change_permission(list_request(user=request.user, query="")):
        raise PermissionDenied(_("您没有查看该列表的权限。"))
    if full and not may_export_full(request.user):
        raise PermissionDenied(_("只有本辖区的受理窗口可以导出完整的证件号码和手机号。"))
    try:
        table = services.list_table(model_admin=model_admin, user=request.user, query=query, full=full)
    except ExportRefused as refusal:
        return _refused(request, admin_site, model_admin, str(refusal))
    if table.total > services.sync_max_rows():
        job = services.export_job_start(
            model_admin=model_admin, table=table, actor=request.user, fmt=fmt, full=full, query=query
        )
        return redirect(reverse("admin:oversight_export_progress", args=[job.pk]))
    try:
        data = services.list_export(
            model_admin=model_admin, table=table, actor=request.user, fmt=fmt, full=full, query=query
        )
    except ExportRefused as refusal:
        return _refused(request, admin_site, model_admin, str(refusal))
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    filename = export_filename(table.title, fmt)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{urllib.parse.quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _refused(request, admin_site, model_admin, reason: str):
    context = {
        **admin_site.each_context(request),
        "title": _("无法导出"),
        "reason": reason,
        "list_name": model_admin.model._meta.verbose_name_plural,
        "list_url": _list_url(model_admin, ""),
    }
    return TemplateResponse(request, "oversight/export_refused.html", context, status=400)


def _job_for(request, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, owner=request.user)


def job_state(job: ExportJob, now=None) -> dict:
    """What the progress page and the status JSON say about a job, in the user's language."""
    status = job.status
    if services.job_is_stale(job, now):
        status, text = ExportStatus.FAILED, _("导出中断（服务器进程已结束），未生成文件。请回到列表重新导出。")
    elif status == ExportStatus.PENDING:
        text = _("正在准备导出……")
    elif status == ExportStatus.RUNNING:
        text = _("正在导出… %(done)s/%(total)s") % {"done": job.rows_done, "total": job.rows_total}
    elif status == ExportStatus.DONE:
        text = _("导出完成：共%(total)s行。") % {"total": job.rows_total}
    else:
        text = _("导出失败：%(error)s") % {"error": job.error}
    return {
        "status": str(status),
        "done": job.rows_done,
        "total": job.rows_total,
        "text": text,
        "finished": status in (ExportStatus.DONE, ExportStatus.FAILED),
    }


def export_progress(request, admin_site, pk: int):
    job = _job_for(request, pk)
    state = job_state(job, timezone.now())
    model_admin = services.model_admin_for(job.list_label)
    context = {
        **admin_site.each_context(request),
        "title": _("导出：%(name)s") % {"name": job.list_name},
        "subtitle": None,
        "job": job,
        "state": state,
        "list_url": _list_url(model_admin, job.query) if model_admin else None,
        "opts": ExportJob._meta,
    }
    return TemplateResponse(request, "oversight/export_progress.html", context)


@never_cache
@require_GET
def export_status(request, admin_site, pk: int):
    job = _job_for(request, pk)
    state = job_state(job)
    if state["status"] == ExportStatus.DONE:
        state["download_url"] = reverse("admin:oversight_export_download", args=[job.pk])
    return JsonResponse(state)


@require_GET
def export_download(request, admin_site, pk: int):
    job = _job_for(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404(_("该导出没有可下载的文件。"))
    return private_file_response(
        request,
        file=job.file,
        filename=export_filename(job.list_name, job.format, job.finished_at),
        content_type=CONTENT_TYPES[job.format],
        refusal=None,
        log_download=functools.partial(services.export_downloaded, job=job),
    )
