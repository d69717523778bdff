"""Uploaded files: what they really are, and no file left behind when a write fails.

Shared by every app that stores uploads (attachments, ballot scans, witness records)."""

import hashlib
import unicodedata
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


# Control and format characters: C0/C1 controls (Cc) and the invisible format characters
# (Cf), among them the bidirectional overrides and isolates U+202A–U+202E, U+2066–U+2069
# and the marks U+200E/U+200F. In a file name they only serve to disguise it: “invoice
# U+202E fdp.exe” shows as “invoiceexe.pdf”. Line and paragraph separators too.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def clean_file_name(name: str | None, *, default: str = "file") -> str:
    """The name as it may be shown and offered back: no control, format or bidi characters,
    no folder part, no leading dots, at most 200 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(c for c in name if unicodedata.category(c) not in _INVISIBLE_CATEGORIES)
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".").strip()
    if not name:
        return default
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = stem[: 200 - len(ext) - 1] + dot + ext if dot and len(ext) <= 10 else name[:200]
    return name


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
    name = clean_file_name(upload.name)
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError(
            _("%(what)s“%(name)s”超过%(limit)s MB的上限。") % {"what": what, "name": name, "limit": limit},
            code="file_too_large",
        )
    upload.seek(0)
    content_type = sniff_content_type(upload.read(16))
    if content_type not in allowed:
        raise ValidationError(
            _("%(what)s“%(name)s”不是PDF、JPEG或PNG文件（按文件内容判断）。") % {"what": what, "name": name},
            code="file_type",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return UploadFacts(name=name, content_type=content_type, size=upload.size, sha256=digest.hexdigest())


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
