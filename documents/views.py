"""Views of the documents app.

Public: the verification page a QR code on any printed page points to. It answers which
document, case and version the code belongs to, its SHA-256, and whether a newer version
has replaced it, and who issued it (the office or the applicant, by organisation) — and
nothing personal: no names, ID numbers, addresses of owners, or the person who printed
it. An uploaded PDF can be compared with the recorded hash.

Staff (served inside the admin, `GeneratedDocumentAdmin.get_urls`): print one template
for a case (who may print which is `permissions.PRINT_RULES`; a refusal is a 403 that
says why), and download a kept version. Both find the case through
`case_list_visible_to` (another jurisdiction's case is a 404) and write only through
`documents.services`.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.downloads import private_file_response
from cases.selectors import case_list_visible_to
from config.client_ip import client_ip

from . import audit, permissions, selectors, services
from .models import DocumentTemplate, GeneratedDocument, Issuer

# A printed document is at most a few hundred KB; refuse anything far bigger unread.
MAX_COMPARE_BYTES = 20 * 1024 * 1024


def public_response(response):
    """Headers of a public verification page (documents' /verify/, the owners' receipt check)."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    # same-origin, not no-referrer: the code in the URL still never reaches another site,
    # while the page's own compare form keeps its Origin header (with no-referrer the
    # browser posts "Origin: null" and Django's CSRF check refuses the form).
    response["Referrer-Policy"] = "same-origin"
    return response


# The public pages answer at most VERIFY_RATE_LIMIT requests a minute per client address
# (0: no limit). A code is not guessable anyway (50 random bits); the limit keeps one
# client from hammering the page or the compare upload. Counted in Django's cache: with
# several server processes, a shared cache (CACHES) makes it one count.
RATE_WINDOW_SECONDS = 60


def public_rate_limited(view):
    """The public pages' one budget per address (the owners' receipt check shares it)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        limit = settings.VERIFY_RATE_LIMIT
        if limit > 0:
            window = int(time.time() // RATE_WINDOW_SECONDS)
            key = f"documents:verify-rate:{client_ip(request) or 'unknown'}:{window}"
            cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
            try:
                count = cache.incr(key)
            except ValueError:  # evicted between add and incr
                cache.set(key, 1, timeout=RATE_WINDOW_SECONDS * 2)
                count = 1
            if count > limit:
                retry_after = RATE_WINDOW_SECONDS - int(time.time()) % RATE_WINDOW_SECONDS
                context = {"limit": limit, "retry_after": retry_after}
                response = render(request, "documents/verify_rate_limited.html", context, status=429)
                response["Retry-After"] = str(retry_after)
                return public_response(response)
        return view(request, *args, **kwargs)

    return wrapped


@never_cache
@public_rate_limited
@require_http_methods(["GET", "HEAD", "POST"])  # HEAD: some QR scanners ask first
def verify(request, code: str):
    document = selectors.document_by_code(code=code)
    if document is None:
        return public_response(render(request, "documents/verify_not_found.html", {"code": code[:40]}, status=404))
    latest = selectors.current_document(case=document.case, template=document.template)
    comparison = None
    if request.method == "POST":
        upload = request.FILES.get("pdf")
        if upload is None:
            comparison = {"error": _("请选择要比对的 PDF 文件。")}
        elif upload.size > MAX_COMPARE_BYTES:
            comparison = {"error": _("文件过大，不是本平台生成的文书。")}
        else:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            comparison = {"sha256": digest.hexdigest(), "matches": digest.hexdigest() == document.sha256}
    context = {
        "document": document,
        "title": document.title,
        "case_number": document.case.number,
        # The organisation, never the person who printed it.
        "issuer": document.issuer_name or document.case.jurisdiction.housing_office,
        "issued_by_applicant": document.issuer == Issuer.APPLICANT,
        "is_current": latest is not None and latest.pk == document.pk,
        "latest": latest,
        "comparison": comparison,
    }
    return public_response(render(request, "documents/verify.html", context))


@never_cache
@public_rate_limited
def verify_lookup(request):
    """A form for the code as printed, for those who type rather than scan."""
    raw = request.GET.get("code", "")
    error = ""
    if raw:
        code = selectors.normalize_code(raw)
        if code is not None:
            return HttpResponseRedirect(reverse("documents:verify", args=[code]))
        error = _("验证码应为10位字母和数字（不含 0、1、I、L、O），请核对后重新输入。")
    return public_response(render(request, "documents/verify_lookup.html", {"code": raw[:40], "error": error}))


# --- staff (inside the admin) -------------------------------------------------------------


def _download(request, document: GeneratedDocument):
    """A kept version as a PDF download, logged (`documents.audit.document_downloaded`)."""
    return private_file_response(
        request,
        file=document.file,
        filename=f"{document.case.number}-{document.title}-第{document.version}版.pdf",
        content_type="application/pdf",
        refusal=permissions.download_refusal(request.user, document),
        log_download=functools.partial(audit.document_downloaded, document=document),
    )


def case_render(request, admin_site, case_pk: int, template: str):
    """Print one template: POST renders a new version, keeps it and downloads it. GET (a
    plain link without JavaScript) only asks for confirmation: a GET never writes."""
    case = get_object_or_404(case_list_visible_to(user=request.user).select_related("unit__building"), pk=case_pk)
    if template not in DocumentTemplate.values:
        raise Http404
    template = DocumentTemplate(template)
    refusal = permissions.print_refusal(request.user, case, template)
    if refusal:
        raise PermissionDenied(refusal)
    if request.method == "POST":
        rendered = services.document_render(case=case, template=template, actor=request.user)
        # Shown when the panel reloads the case page after the download: a name that prints
        # as an empty box must be written in by hand, so the clerk is told where.
        for missing in rendered.missing_glyphs:
            messages.warning(
                request,
                _("%(document)s第%(version)s版：%(problem)s。请在打印件上手写补正。")
                % {"document": template.label, "version": rendered.record.version, "problem": missing},
            )
        return _download(request, rendered.record)
    current = selectors.current_document(case=case, template=template)
    context = {
        **admin_site.each_context(request),
        "title": _("打印%(document)s") % {"document": template.label},
        "subtitle": case.number,
        "case": case,
        "template_label": template.label,
        "current": current,
        "next_version": (current.version + 1) if current else 1,
        "opts": GeneratedDocument._meta,
    }
    return TemplateResponse(request, "admin/documents/render_confirm.html", context)


def document_download(request, admin_site, pk: int):
    document = get_object_or_404(selectors.document_list_visible_to(user=request.user).select_related("case"), pk=pk)
    return _download(request, document)
