"""The printed activation letters (激活函): one A4 page per owner, in the documents' look.

The letter is the only place the plaintext code ever exists (owners.codes): it is rendered
from the list `services.activation_codes_issue` returns and handed to the caller as PDF
bytes, never stored. Its reader may be elderly and use no smartphone: large type, four
numbered steps, the address printed in words beside the QR code, and the paper way named
as just as good.

The HTML goes through `documents.pdf.html_to_pdf` (the documents' stylesheet, their font
subsets and the local-only fetcher) with the letter's own page rules
(owners/static/owners/letters.css); the QR codes are the documents' PNG data URIs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone

from documents.context import public_base_url, qr_png_data_uri
from documents.pdf import html_to_pdf

from .selectors import rooms_text

if TYPE_CHECKING:
    from cases.models import Case

TEMPLATE = "owners/letters_pdf.html"
# The owners' activation page (owners/urls.py, mounted at /owner/): it prefills the code
# from ?code=. Written out rather than reversed: a letter printed today must keep working
# whatever the URL names become, so the path is part of the letter's contract.
ACTIVATION_PATH = "/owner/activate/"


def activation_address() -> str:
    """The address printed in words, for typing: without the code."""
    return public_base_url() + ACTIVATION_PATH


def activation_url(code: str) -> str:
    """What the QR code holds: the address with the code, typed for the owner."""
    return f"{activation_address()}?code={code}"


# `letters` are services.IssuedLetter (owner, rooms, code, expires_at); not imported here,
# services imports this module.


def letters_html(*, case: Case, letters: Sequence) -> str:
    """The letters as HTML (what the tests read), and the QR images it embeds."""
    return _render(case=case, letters=letters)[0]


def _render(*, case: Case, letters: Sequence) -> tuple[str, list[str]]:
    pages = []
    for letter in letters:
        qr = qr_png_data_uri(activation_url(letter.code))
        pages.append(
            {
                "owner": letter.owner,
                "rooms": rooms_text(letter.rooms),
                "code_groups": letter.code.split("-"),
                "expires_at": letter.expires_at,
                "qr": qr,
            }
        )
    context = {
        "case": case,
        "jurisdiction": case.jurisdiction,
        "unit": case.unit,
        "address": activation_address(),
        "issued_on": timezone.now(),
        "pages": pages,
    }
    return render_to_string(TEMPLATE, context), [page["qr"] for page in pages]


def render_letters(*, case: Case, letters: Sequence) -> bytes:
    """The letters as one PDF, a page each, in the order given (the unit's room order)."""
    html, qr_uris = _render(case=case, letters=letters)
    return html_to_pdf(html, data_uris=qr_uris).data
