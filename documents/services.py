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

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Case

from . import audit, permissions
from .context import TEMPLATE_FILES, document_context, qr_png_data_uri, verification_url
from .models import DOCUMENT_LANGUAGE, OFFICIAL_TEMPLATES, DocumentTemplate, GeneratedDocument, new_verification_code
from .pdf import MissingGlyph, html_to_pdf

_ATTEMPTS = 5


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
