"""The evidence bundle of a case (证据包, issue 13 §3): what goes in it, and how the zip is written.

Disputes over an added elevator are decided on evidence: that the notice was posted, how the
owners voted and who witnessed it, who signed the agreement, how each step was decided. The
bundle puts every record the portal keeps about a case in one zip, each file with its time
and what it is, and a manifest of SHA-256 hashes whose own hash goes into the audit log: a
file changed afterwards no longer matches the manifest, and a changed manifest no longer
matches the log.

What goes in comes from the apps that keep it: each registers a contributor with
`register_evidence(name, order, collect)` from its AppConfig.ready() (documents itself: the
steps' history, the generated documents, the vote; notices: the notice and its photos;
owners: the agreement and its signatures). `collect(case)` yields `EvidenceItem`s, each
with its path in the zip (our own folder and file names, never a name a user typed), its
bytes or the stored file to copy, its time and its description (说明).

The zip, at its root:
- `manifest.csv`: 文件, SHA-256, 时间, 说明 — every file of the bundle but itself, the
  index included (UTF-8 with a BOM, so Excel opens it in Chinese);
- `目录.pdf`: the index — case, address, when built and by whom, every item with its time,
  description and hash. It is written before the manifest, so the manifest lists it too
  (every file a court receives is in the manifest); the manifest's own hash, which the
  index cannot print without leaving the manifest, is in the audit log and on the bundle's
  page, with the index's and the zip's;
- the items, in the contributors' folders.

The zip is written to a file object as it goes (each stored file copied in 1 MB chunks, its
hash taken on the way), never held in memory whole.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import DOCUMENT_LANGUAGE
from .pdf import html_to_pdf

MANIFEST_NAME = "manifest.csv"
INDEX_NAME = "目录.pdf"
MANIFEST_COLUMNS = ("文件", "SHA-256", "时间", "说明")
INDEX_TEMPLATE = "documents/evidence_index.html"
_INDEX_DESCRIPTION = "证据包目录（本包全部证据文件及其时间、说明和SHA-256）"

_CHUNK = 1024 * 1024
# Already compressed (PDF streams, JPEG, PNG, zip-based xlsx): stored as they are, which is
# also what keeps a 33-flat bundle to about a second.
_STORED = (".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".zip")
_FORBIDDEN_IN_PATH = frozenset('\\:*?"<>|') | {chr(c) for c in range(32)} | {"\u202e", "\u202d", "\u200f", "\u200e"}


class EvidenceError(Exception):
    """The bundle cannot be built; the message (Chinese) says why, for the page and the command."""


@dataclass(frozen=True)
class EvidenceItem:
    """One file of the bundle. `path`: where it goes in the zip ("03-公示/张贴照片/照片-0001.jpg"),
    our own names only. Exactly one of `data` (bytes made now: a CSV of records) and `file`
    (a stored FieldFile, copied as it is). `at`: the time the record itself carries (a photo's
    time taken, a ballot's entry); `description`: the manifest's 说明."""

    path: str
    description: str
    at: datetime.datetime | datetime.date | None
    data: bytes | None = None
    file: Any = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.file is None or not self.file):
            raise ValueError(f"evidence item {self.path!r}: give exactly one of data and file")
        parts = self.path.split("/")
        if (
            not self.path
            or any(part in ("", ".", "..") for part in parts)
            or any(ch in _FORBIDDEN_IN_PATH for ch in self.path)
            or self.path in (MANIFEST_NAME, INDEX_NAME)
        ):
            raise ValueError(f"evidence item path not allowed: {self.path!r}")


Collect = Callable[[Any], Iterable[EvidenceItem]]


@dataclass(frozen=True)
class Contributor:
    name: str
    order: int
    collect: Collect


_CONTRIBUTORS: list[Contributor] = []


def register_evidence(name: str, order: int, collect: Collect) -> None:
    """Called from an app's ready(). The contributors run in `order` (it also orders the
    folders: give each folder its number); one of the same name replaces the earlier one.

    Orders in use: 10 the steps' history and their files, 20 the generated documents
    (documents), 30 the notice (notices), 35 the objections (to come, notices), 40 the vote
    (documents, from voting's records), 50 the owners' agreement (owners)."""
    contributor = Contributor(name=name, order=order, collect=collect)
    _CONTRIBUTORS[:] = sorted(
        [c for c in _CONTRIBUTORS if c.name != name] + [contributor], key=lambda c: (c.order, c.name)
    )


def contributors() -> list[Contributor]:
    return list(_CONTRIBUTORS)


def collect_items(case) -> list[EvidenceItem]:
    """Every item of every contributor, in order. Two items at one path would make a zip
    with two entries of one name: a mistake in a contributor, refused here."""
    items: list[EvidenceItem] = []
    seen: set[str] = set()
    with translation.override(DOCUMENT_LANGUAGE):  # the bundle is a record: in Chinese
        for contributor in contributors():
            for item in contributor.collect(case):
                if item.path in seen:
                    raise ValueError(f"evidence path {item.path!r} given twice (contributor {contributor.name})")
                seen.add(item.path)
                items.append(item)
    return items


# --- helpers for the contributors -------------------------------------------------------------


def format_time(at: datetime.datetime | datetime.date | None) -> str:
    """A time as the manifest and the records give it: local (Asia/Shanghai) with its offset,
    to the second; a date alone as a date; "" when none."""
    if at is None:
        return ""
    if isinstance(at, datetime.datetime):
        local = timezone.localtime(at if timezone.is_aware(at) else timezone.make_aware(at))
        offset = local.strftime("%z")  # +0800
        return f"{local:%Y-%m-%d %H:%M:%S}{offset[:3]}:{offset[3:]}"
    return at.isoformat()


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A CSV as Excel on a Chinese Windows opens it: UTF-8 with a BOM, CRLF line ends. Times
    are written by `format_time`; None as empty. A cell that starts like a formula is
    prefixed with an apostrophe, so a name such as "=1+1" stays text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return format_time(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    text = str(value)
    if text[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return text


def extension_of(content_type: str, default: str = "bin") -> str:
    return {
        "application/pdf": "pdf",
        "image/jpeg": "jpg",
        "image/png": "png",
        "text/csv": "csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    }.get(content_type, default)


# --- writing the zip ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ManifestRow:
    path: str
    sha256: str
    at: datetime.datetime | datetime.date | None
    description: str
    size: int


@dataclass(frozen=True)
class Written:
    rows: tuple[ManifestRow, ...]
    manifest_sha256: str
    index_sha256: str


def _chunks(item: EvidenceItem) -> Iterator[bytes]:
    if item.data is not None:
        yield item.data
        return
    try:
        # The storage, not the FieldFile: the field's own file object is left untouched.
        handle = item.file.storage.open(item.file.name, "rb")
    except FileNotFoundError as exc:
        raise EvidenceError(f"存储中找不到文件：{item.description}（{item.file.name}），请联系系统管理员。") from exc
    with handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _zip_time(at, fallback: datetime.datetime) -> tuple[int, int, int, int, int, int]:
    if isinstance(at, datetime.datetime):
        moment = timezone.localtime(at) if timezone.is_aware(at) else at
    elif isinstance(at, datetime.date):
        moment = datetime.datetime.combine(at, datetime.time())
    else:
        moment = timezone.localtime(fallback)
    if moment.year < 1980:  # the zip format's epoch
        moment = timezone.localtime(fallback)
    return moment.timetuple()[:6]


def _entry(path: str, at, fallback: datetime.datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=_zip_time(at, fallback))
    info.compress_type = zipfile.ZIP_STORED if path.lower().endswith(_STORED) else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def write_bundle(
    *,
    case,
    items: list[EvidenceItem],
    out: BinaryIO,
    built_at: datetime.datetime,
    built_by: str,
    progress: Callable[[int], None] = lambda done: None,
) -> Written:
    """Write the zip into `out` (a file opened for writing): the items, the index, the
    manifest (listing the items and the index). `progress(done)` after each file; the total
    is len(items) + 2."""
    rows: list[ManifestRow] = []
    with zipfile.ZipFile(out, "w") as archive:
        for number, item in enumerate(items, start=1):
            digest, size = hashlib.sha256(), 0
            with archive.open(_entry(item.path, item.at, built_at), "w") as target:
                for chunk in _chunks(item):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
            rows.append(ManifestRow(item.path, digest.hexdigest(), item.at, item.description, size))
            progress(number)
        index = index_pdf(case=case, rows=rows, built_at=built_at, built_by=built_by)
        archive.writestr(_entry(INDEX_NAME, built_at, built_at), index)
        index_sha256 = hashlib.sha256(index).hexdigest()
        rows.append(ManifestRow(INDEX_NAME, index_sha256, built_at, _INDEX_DESCRIPTION, len(index)))
        progress(len(items) + 1)
        manifest = csv_bytes(MANIFEST_COLUMNS, ((r.path, r.sha256, r.at, r.description) for r in rows))
        manifest_sha256 = hashlib.sha256(manifest).hexdigest()
        archive.writestr(_entry(MANIFEST_NAME, built_at, built_at), manifest)
        progress(len(items) + 2)
    return Written(rows=tuple(rows), manifest_sha256=manifest_sha256, index_sha256=index_sha256)


def index_pdf(*, case, rows: list[ManifestRow], built_at, built_by: str) -> bytes:
    """目录: the case, when and by whom the bundle was built, every item with its time,
    description and hash (documents/evidence_index.html)."""
    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string(
            INDEX_TEMPLATE,
            {
                "case": case,
                "address": f"{case.unit.building.address}{case.unit.name}",
                "built_at": format_time(built_at),
                "built_by": built_by,
                "rows": [
                    {
                        "number": n,
                        "path": r.path,
                        "at": format_time(r.at),
                        "description": r.description,
                        "sha256": r.sha256,
                    }
                    for n, r in enumerate(rows, start=1)
                ],
                "manifest_name": MANIFEST_NAME,
                "count": len(rows),
            },
        )
    return html_to_pdf(html).data


def file_sha256(handle: BinaryIO) -> tuple[str, int]:
    """The SHA-256 and size of a whole file, read from its start in chunks."""
    handle.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size
