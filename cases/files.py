"""Uploaded files: what they really are, and no file left behind when a write fails.

Shared by every app that stores uploads (attachments, ballot scans, witness records)."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
SCAN_TYPES = tuple(content_type for _, content_type in SIGNATURES)


def sniff_content_type(head: bytes) -> str | None:
    """The real type from the file's first bytes; the name and the browser's claim are ignored."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


@dataclass(frozen=True)
class UploadFacts:
    name: str
    content_type: str
    size: int
    sha256: str


def inspect_upload(upload, *, what: str | None = None, allowed=SCAN_TYPES) -> UploadFacts:
    """Refuse a missing, oversized or mistyped upload in the user's language; return its facts.

    `what` names the file in the refusal (a gettext_lazy string for callers that want it
    translated too); by default “文件”."""
    what = _("文件") if what is None else what
    if upload is None:
        raise ValidationError(_("请上传%(what)s（PDF、JPEG或PNG）。") % {"what": what}, code="file_required")
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError(
            _("%(what)s“%(name)s”超过%(limit)s MB的上限。") % {"what": what, "name": upload.name, "limit": limit},
            code="file_too_large",
        )
    upload.seek(0)
    content_type = sniff_content_type(upload.read(16))
    if content_type not in allowed:
        raise ValidationError(
            _("%(what)s“%(name)s”不是PDF、JPEG或PNG文件（按文件内容判断）。") % {"what": what, "name": upload.name},
            code="file_type",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return UploadFacts(
        name=(upload.name or "file")[:200], content_type=content_type, size=upload.size, sha256=digest.hexdigest()
    )


class FilesWritten:
    """Deletes the files a failed service wrote, so nothing is half-saved on disk either.

    Use it outside the transaction: `with FilesWritten() as written, transaction.atomic():`."""

    def __init__(self):
        self.names: list[tuple[object, str]] = []

    def add(self, field_file) -> None:
        self.names.append((field_file.storage, field_file.name))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            for storage, name in self.names:
                storage.delete(name)
        return False
