"""The objector's two papers, each on one A4 page in the documents' look, fonts and
verification strip (documents/base_pdf.html through documents.pdf.html_to_pdf): the receipt
(回执: number, time, how it was brought) and the written reply (书面答复: the outcome and the
office's words). Both are rendered from the objection's row whenever asked, with the times
stored there, so the same objection prints the same paper today and for the evidence bundle.

The QR code points to the public check (/owner/objection/<code>/, owners/urls.py), which
says the receipt is genuine and how the objection stands, never the reasons or the full name.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from documents.context import public_base_url, qr_png_data_uri
from documents.models import DOCUMENT_LANGUAGE
from documents.pdf import html_to_pdf

from .models import Objection
from .selectors_objections import local_time, objection_state_text


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def verify_url(objection: Objection) -> str:
    return public_base_url() + reverse("owners:objection_verify", args=[objection.code])


def _html(objection: Objection, *, reply: bool) -> tuple[str, str]:
    case = objection.notice.case
    url = verify_url(objection)
    qr = qr_png_data_uri(url)
    title = "公示异议书面答复" if reply else "公示异议受理回执"  # printed: Chinese whatever the screen's
    context = {
        "o": objection,
        "case": case,
        "notice": objection.notice,
        "received_at": local_time(objection.received_at),
        "closed_at": local_time(objection.closed_at) if objection.closed_at else "",
        "doc": {
            "template": "objection",
            "title": title,
            "code": grouped(objection.code),
            "generated_at": objection.closed_at if reply else objection.received_at,
            "verify_url": url,
            "qr_data_uri": qr,
            "issuer": case.jurisdiction.housing_office,
        },
    }
    template = "notices/objection_reply_pdf.html" if reply else "notices/objection_receipt_pdf.html"
    with translation.override(DOCUMENT_LANGUAGE):
        context["state"] = objection_state_text(objection)
        return render_to_string(template, context), qr


def receipt_html(objection: Objection) -> str:
    return _html(objection, reply=False)[0]


def reply_html(objection: Objection) -> str:
    return _html(objection, reply=True)[0]


def receipt_pdf(objection: Objection) -> bytes:
    html, qr = _html(objection, reply=False)
    return html_to_pdf(html, data_uris=[qr]).data


def reply_pdf(objection: Objection) -> bytes:
    """Only for a closed objection (the caller checks: there is no reply before)."""
    html, qr = _html(objection, reply=True)
    return html_to_pdf(html, data_uris=[qr]).data
