"""Every write of the documents app: rendering a template into a kept, numbered PDF, and
logging a download. Views, the admin and `render_documents` call these.

Rendering: `render_to_string("documents/<template>.html")` → WeasyPrint with a fetcher
that serves only the project's static files (documents.pdf). The verification code and
the version are fixed *before* rendering, because every page prints them; the version
is confirmed under the case's row lock afterwards and the render repeated in the rare
case another one took that number meanwhile. The lock is not held while WeasyPrint
works, so a long render never blocks the case's workflow. The lock is the case row alone,
FOR NO KEY UPDATE, first in the one lock order of docs/locking.md.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, connections, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Case

from . import audit, permissions
from .context import TEMPLATE_FILES, document_context, qr_png_data_uri, verification_url
from .evidence import EvidenceError, collect_items, file_sha256, write_bundle
from .models import (
    DOCUMENT_LANGUAGE,
    OFFICIAL_TEMPLATES,
    BundleStatus,
    DocumentTemplate,
    EvidenceBundle,
    GeneratedDocument,
    new_verification_code,
)
from .pdf import MissingGlyph, html_to_pdf

_ATTEMPTS = 5

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    html: str
    pdf_bytes: bytes
    record: GeneratedDocument
    # Characters no installed font has: printed as empty boxes. Tell the clerk (str() of
    # each says which character and where); the PDF is kept all the same.
    missing_glyphs: tuple[MissingGlyph, ...] = ()


def _next_version(*, case: Case, template: str) -> int:
    latest = GeneratedDocument.objects.filter(case=case, template=template).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def _unused_code() -> str:
    # 50 random bits make a clash practically impossible; the unique constraint is the backstop.
    while True:
        code = new_verification_code()
        if not GeneratedDocument.objects.filter(code=code).exists():
            return code


def _render_html(*, case: Case, template: str, code: str, version: int, generated_at, issuer: str) -> tuple[str, dict]:
    template = DocumentTemplate(template)
    with translation.override(DOCUMENT_LANGUAGE):
        context = document_context(
            case=case, template=template, code=code, version=version, generated_at=generated_at or timezone.now()
        )
        context["doc"]["issuer"] = issuer
        return render_to_string(TEMPLATE_FILES[template], context), context


def document_html(*, case: Case, template: str, code: str, version: int, generated_at=None, issuer: str = "") -> str:
    """The HTML of one version (Django autoescapes every value taken from the case), in
    Chinese whatever the request's language: labels taken from the models (funding
    sources, attachment kinds, procedures) are translated strings too. `issuer` is the
    organisation printed as the document's issuer (the office when left empty)."""
    issuer = issuer or case.jurisdiction.housing_office
    html, _context = _render_html(
        case=case, template=template, code=code, version=version, generated_at=generated_at, issuer=issuer
    )
    return html


def _names_choices(context: dict) -> bool:
    """Whether this rendering prints how each owner voted (the tally sheet of a counted vote)."""
    return bool(context.get("include_tally")) and context["vote"].result is not None


def document_render(*, case: Case, template: str, actor) -> Rendered:
    """Render one template for the case, keep the PDF privately as the next version, and log
    it. `actor=None` is the system (a management command on the server), printing for the
    office. Who may print which template is `permissions.PRINT_RULES`; the document records
    the issuing organisation, never the person."""
    template = DocumentTemplate(template)
    refusal = permissions.print_refusal(actor, case, template)
    if refusal:
        raise PermissionDenied(refusal)
    side = permissions.issuer_side(actor, case)
    issuer_name = permissions.issuer_name(side, actor, case)
    for _attempt in range(_ATTEMPTS):
        version = _next_version(case=case, template=template)
        code = _unused_code()
        generated_at = timezone.now()
        html, context = _render_html(
            case=case, template=template, code=code, version=version, generated_at=generated_at, issuer=issuer_name
        )
        shows_choices = _names_choices(context)
        if shows_choices and not permissions.sees_individual_choices(actor):
            # The vote was counted while this rendered: the sheet now names each owner's choice.
            raise PermissionDenied(permissions.print_refusal(actor, case, template) or _("无权为该案件生成文书。"))
        pdf = html_to_pdf(html, data_uris=[qr_png_data_uri(verification_url(code))])
        stored_name = None
        try:
            with transaction.atomic():
                # The case row lock orders the versions of one case; rendering happened unlocked.
                Case.objects.select_for_update(no_key=True).only("pk").get(pk=case.pk)
                if _next_version(case=case, template=template) != version:
                    continue  # someone else took this version number meanwhile: render again
                record = GeneratedDocument(
                    case=case,
                    template=template,
                    version=version,
                    code=code,
                    sha256=hashlib.sha256(pdf.data).hexdigest(),
                    size=len(pdf.data),
                    pages=pdf.pages,
                    generated_by=actor if getattr(actor, "pk", None) else None,
                    issuer=side,
                    issuer_name=issuer_name,
                    shows_choices=shows_choices,
                    generated_at=generated_at,
                )
                record.file.save(f"{template}.pdf", ContentFile(pdf.data), save=False)
                stored_name = record.file.name
                record.save()
                audit.document_generated(document=record, actor=actor)
        except IntegrityError:
            # A code or version clash at the constraint: the file is an orphan, try again.
            if stored_name:
                record.file.storage.delete(stored_name)
            continue
        except BaseException:
            if stored_name:
                record.file.storage.delete(stored_name)
            raise
        return Rendered(html=html, pdf_bytes=pdf.data, record=record, missing_glyphs=pdf.missing_glyphs)
    raise RuntimeError(f"{case.number} {template.label}：多次重试后仍无法分配版本号，请稍后再试。")


def documents_render_all(*, case: Case, actor) -> dict[str, Rendered]:
    """The four official templates (application, ballots, agreement, notice), in that order."""
    return {t.value: document_render(case=case, template=t, actor=actor) for t in OFFICIAL_TEMPLATES}


# --- the evidence bundle (documents.evidence) ----------------------------------------------------
#
# Building a bundle reads every file of the case and renders its index: about a second for a
# 33-flat unit, more with many photos. The request that asks for it only records the bundle
# (pending) and answers; a thread of the same process builds it once that transaction has
# committed, reporting its progress on the row, which the bundle page polls. A thread, not a
# task queue: the portal runs without a broker (SQLite embedded, or PostgreSQL), the work is
# short, and the row is the queue's state. The thread is not a daemon, so a gunicorn worker
# replaced after its 500th request (or stopped gracefully) finishes the bundle before it
# exits; one killed outright leaves a row that stops progressing, shown as interrupted after
# `BUNDLE_STALE_AFTER` and replaced by the next request.

BUNDLE_STALE_AFTER = datetime.timedelta(minutes=10)
_PROGRESS_EVERY_SECONDS = 0.2
_INTERRUPTED = "生成过程中断（服务器进程已结束），未生成文件。请重新生成。"


def bundle_is_stale(bundle: EvidenceBundle, now: datetime.datetime | None = None) -> bool:
    """A pending or running bundle that has not progressed for long: its build was cut off."""
    live = bundle.status in (BundleStatus.PENDING, BundleStatus.RUNNING)
    return live and bundle.progressed_at < (now or timezone.now()) - BUNDLE_STALE_AFTER


def evidence_bundle_request(*, case: Case, actor, reuse_running: bool = True) -> tuple[EvidenceBundle, bool]:
    """Record that the case's evidence bundle is to be built: (the bundle, whether it is new).
    A build of the case still running is reused rather than doubled (two clicks, two
    clerks); one that stopped progressing is closed as interrupted first. Locks the case row
    (docs/locking.md: the case first), so two requests at once make one bundle."""
    refusal = permissions.evidence_refusal(actor, case)
    if refusal:
        raise PermissionDenied(refusal)
    with transaction.atomic():
        Case.objects.select_for_update(no_key=True).only("pk").get(pk=case.pk)
        now = timezone.now()
        live = list(
            EvidenceBundle.objects.select_for_update()
            .filter(case=case, status__in=[BundleStatus.PENDING, BundleStatus.RUNNING])
            .order_by("-requested_at", "-pk")
        )
        running = None
        for bundle in live:
            if bundle_is_stale(bundle, now):
                bundle.status, bundle.error, bundle.finished_at = BundleStatus.FAILED, _INTERRUPTED, now
                bundle.save(update_fields=["status", "error", "finished_at"])
                audit.evidence_bundle_failed(bundle=bundle, actor=None)
            elif running is None:
                running = bundle
        if running is not None and reuse_running:
            return running, False
        bundle = EvidenceBundle.objects.create(
            case=case, requested_by=actor if getattr(actor, "pk", None) else None, requested_at=now, progressed_at=now
        )
        return bundle, True


def evidence_bundle_start(*, case: Case, actor) -> tuple[EvidenceBundle, bool]:
    """The bundle page's button: record the bundle and build it in the background once the
    record is committed (`evidence_bundle_build` in a thread of this process). (The bundle,
    whether it is new); not new: one of the case is being built already."""
    bundle, created = evidence_bundle_request(case=case, actor=actor)
    if created:
        transaction.on_commit(functools.partial(_build_in_thread, bundle.pk))
    return bundle, created


def _build_in_thread(bundle_pk: int) -> None:
    thread = threading.Thread(
        target=_build_and_close, args=(bundle_pk,), name=f"evidence-bundle-{bundle_pk}", daemon=False
    )
    thread.start()


def _build_and_close(bundle_pk: int) -> None:
    try:
        evidence_bundle_build(bundle=EvidenceBundle.objects.get(pk=bundle_pk))
    except Exception:  # evidence_bundle_build records its own failures; this is the rest
        logger.exception("evidence bundle %s: the background build failed", bundle_pk)
    finally:
        # The thread's own connection: closed here, not left for the database to time out.
        connections.close_all()


class _Progress:
    """Writes how far the build is onto the bundle's row, at most five times a second (the
    page polls once a second); `also(done, total)` is told every step (the command's stderr)."""

    def __init__(self, bundle_pk: int, total: int, also: Callable[[int, int], None] | None):
        self.bundle_pk, self.total, self.also = bundle_pk, total, also
        self.last = 0.0

    def __call__(self, done: int) -> None:
        if self.also is not None:
            self.also(done, self.total)
        now = time.monotonic()
        if done < self.total and now - self.last < _PROGRESS_EVERY_SECONDS:
            return
        self.last = now
        EvidenceBundle.objects.filter(pk=self.bundle_pk).update(items_done=done, progressed_at=timezone.now())


def _built_by(actor) -> str:
    if actor is None:
        return "系统（服务器命令）"
    return actor.get_full_name() or actor.username


def evidence_bundle_build(
    *, bundle: EvidenceBundle, on_progress: Callable[[int, int], None] | None = None
) -> EvidenceBundle:
    """Build a recorded bundle: collect the case's items (documents.evidence), write the zip
    to a temporary file, keep it privately, then record its hashes on the row and in the
    audit event `evidence_bundle_built`, in one transaction under the case's lock. A build
    that fails keeps no file (neither the temporary one nor a stored one) and records why on
    the row (`error`, Chinese) and in the event `evidence_bundle_failed`. Returns the row."""
    case = Case.objects.select_related("unit__building", "jurisdiction").get(pk=bundle.case_id)
    actor = bundle.requested_by
    built_at = timezone.now()
    EvidenceBundle.objects.filter(pk=bundle.pk).update(status=BundleStatus.RUNNING, progressed_at=built_at)
    stored_name = ""
    storage = EvidenceBundle._meta.get_field("file").storage
    with tempfile.TemporaryFile(prefix="evidence-") as temp:
        try:
            items = collect_items(case)
            total = len(items) + 2  # the manifest and the index
            EvidenceBundle.objects.filter(pk=bundle.pk).update(items_total=total, items_done=0)
            written = write_bundle(
                case=case,
                items=items,
                out=temp,
                built_at=built_at,
                built_by=_built_by(actor),
                progress=_Progress(bundle.pk, total, on_progress),
            )
            sha256, size = file_sha256(temp)
            temp.seek(0)
            record = EvidenceBundle.objects.select_related("case").get(pk=bundle.pk)
            # Copied into private storage before the lock: the lock is held only to record it.
            stored_name = storage.save(record.file.field.generate_filename(record, "bundle.zip"), File(temp))
            with transaction.atomic():
                Case.objects.select_for_update(no_key=True).only("pk").get(pk=case.pk)
                record = (
                    EvidenceBundle.objects.select_for_update(of=("self",), no_key=True)
                    .select_related("case")
                    .get(pk=bundle.pk)
                )
                record.file.name = stored_name
                record.status = BundleStatus.DONE
                record.items_done = record.items_total = total
                record.size, record.sha256 = size, sha256
                record.manifest_sha256, record.index_sha256 = written.manifest_sha256, written.index_sha256
                record.finished_at = record.progressed_at = timezone.now()
                record.error = ""
                record.save()
                audit.evidence_bundle_built(bundle=record, actor=actor, item_count=len(written.rows))
            return record
        except Exception as exc:
            if stored_name:
                storage.delete(stored_name)
            if isinstance(exc, EvidenceError):
                message = str(exc)
            else:
                logger.exception("evidence bundle %s of %s failed", bundle.pk, case.number)
                message = (
                    f"生成证据包时出错（{type(exc).__name__}），未生成文件。请稍后重试；如仍失败，请联系系统管理员。"
                )
            with transaction.atomic():
                record = (
                    EvidenceBundle.objects.select_for_update(of=("self",), no_key=True)
                    .select_related("case")
                    .get(pk=bundle.pk)
                )
                record.status, record.error, record.file = BundleStatus.FAILED, message, ""
                record.finished_at = record.progressed_at = timezone.now()
                record.save()
                audit.evidence_bundle_failed(bundle=record, actor=actor)
            return record
