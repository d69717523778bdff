"""Private files handed to the user: attachments, generated PDFs, ballot scans and witness
records. One helper, so every download is refused, logged and labelled the same way."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _


def private_file_response(
    request,
    *,
    file,
    filename: str,
    content_type: str,
    refusal: str | None,
    log_download: Callable[..., object],
) -> FileResponse:
    """`file` (a stored FieldFile) as a download named `filename`.

    The caller has found the record through a selector scoped to the user (another office's
    record is a 404 before this runs) and cleaned the name it offers. `refusal`: why this
    user may not take the file, a 403 that says so; None when whoever sees the record may.
    The file is opened before anything is logged (a file gone from storage is a 404 that
    says so, and no download is recorded); `log_download(actor=request.user)` then writes
    the download's audit event, naming whoever asked. The response is an attachment
    (`filename*` per RFC 5987: Chinese names arrive intact), typed as stored, never sniffed
    into something else nor kept in a cache.
    """
    if refusal:
        raise PermissionDenied(refusal)
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("文件已不在存储中，请联系系统管理员。")) from exc
    try:
        with transaction.atomic():
            log_download(actor=request.user)
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type or "application/octet-stream"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """A PDF made for this request (a receipt, a reply, a packet) shown inline under
    `filename`, never kept in a cache. The caller checked who may have it."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "private, no-store"
    return response
