"""The evidence bundle's pages, inside the admin (GeneratedDocumentAdmin.get_urls):

- 证据包 (`admin:documents_case_evidence`, case_pk): the case's bundles, newest first, each
  with its state, hashes and download; the button that builds a new one (POST), and the
  progress of one being built ("正在生成证据包… 12/48"), which documents/evidence.js asks
  `admin:documents_evidence_status` for once a second (a static script: the CSP allows no
  inline one);
- the status (`admin:documents_evidence_status`, pk): JSON;
- the download (`admin:documents_evidence_download`, pk): through
  audit.downloads.private_file_response (refusal, audit event, headers).

Who: the case is found through `case_list_visible_to` (another jurisdiction's case, or its
bundle, is a 404 whatever the ID), then `permissions.evidence_refusal` (the applicant's
account: a 403 that says why).
"""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from audit.downloads import private_file_response
from cases.models import Case
from cases.selectors import case_list_visible_to

from . import audit, permissions, services
from .models import BundleStatus, EvidenceBundle


def _case_for(request, case_pk: int) -> Case:
    case = get_object_or_404(
        case_list_visible_to(user=request.user).select_related("jurisdiction", "unit__building"), pk=case_pk
    )
    refusal = permissions.evidence_refusal(request.user, case)
    if refusal:
        raise PermissionDenied(refusal)
    return case


def _bundle_for(request, pk: int) -> EvidenceBundle:
    bundle = get_object_or_404(
        EvidenceBundle.objects.select_related("case").filter(case__in=case_list_visible_to(user=request.user)), pk=pk
    )
    refusal = permissions.evidence_refusal(request.user, bundle.case)
    if refusal:
        raise PermissionDenied(refusal)
    return bundle


def bundle_state(bundle: EvidenceBundle, now=None) -> dict:
    """What the page and the status JSON say about a bundle, in the user's language."""
    status = bundle.status
    stale = services.bundle_is_stale(bundle, now)
    if stale:
        status, text = BundleStatus.FAILED, _("生成过程中断（服务器进程已结束），未生成文件。请重新生成。")
    elif status == BundleStatus.PENDING or (status == BundleStatus.RUNNING and not bundle.items_total):
        text = _("正在准备生成证据包……")
    elif status == BundleStatus.RUNNING:
        text = _("正在生成证据包… %(done)s/%(total)s") % {"done": bundle.items_done, "total": bundle.items_total}
    elif status == BundleStatus.DONE:
        text = _("证据包已生成：共%(total)s个文件。") % {"total": bundle.items_total}
    else:
        text = _("证据包生成失败：%(error)s") % {"error": bundle.error}
    return {
        "status": str(status),
        "done": bundle.items_done,
        "total": bundle.items_total,
        "text": text,
        "finished": status in (BundleStatus.DONE, BundleStatus.FAILED),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def case_evidence(request, admin_site, case_pk: int):
    case = _case_for(request, case_pk)
    if request.method == "POST":
        _bundle, created = services.evidence_bundle_start(case=case, actor=request.user)
        if not created:
            messages.info(request, _("本案件的证据包正在生成中，请等待其完成，无需重复生成。"))
        return redirect(reverse("admin:documents_case_evidence", args=[case.pk]))
    now = timezone.now()
    bundles = list(case.evidence_bundles.select_related("requested_by").order_by("-requested_at", "-pk"))
    rows = [{"bundle": b, "state": bundle_state(b, now)} for b in bundles]
    building = next((r for r in rows if not r["state"]["finished"]), None)
    context = {
        **admin_site.each_context(request),
        "title": _("证据包"),
        "subtitle": case.number,
        "case": case,
        "rows": rows,
        "building": building,
        "opts": EvidenceBundle._meta,
    }
    return TemplateResponse(request, "admin/documents/evidence_bundles.html", context)


@never_cache
@require_GET
def evidence_status(request, admin_site, pk: int):
    bundle = _bundle_for(request, pk)
    state = bundle_state(bundle)
    if state["status"] == BundleStatus.DONE:
        state["download_url"] = reverse("admin:documents_evidence_download", args=[bundle.pk])
        state["sha256"], state["manifest_sha256"] = bundle.sha256, bundle.manifest_sha256
    return JsonResponse(state)


@require_GET
def evidence_download(request, admin_site, pk: int):
    bundle = _bundle_for(request, pk)
    if bundle.status != BundleStatus.DONE or not bundle.file:
        messages.error(request, _("该证据包没有可下载的文件。"))
        return redirect(reverse("admin:documents_case_evidence", args=[bundle.case_id]))
    finished = timezone.localtime(bundle.finished_at)
    return private_file_response(
        request,
        file=bundle.file,
        filename=f"{bundle.case.number}-证据包-{finished:%Y%m%d-%H%M%S}.zip",
        content_type="application/zip",
        refusal=None,
        log_download=functools.partial(audit.evidence_bundle_downloaded, bundle=bundle),
    )
