"""Rare CJK characters in names (issue 9 §8): 𠀀 U+20000 and 𪚥 U+2A6A5 (CJK Extension B)
print in the fallback face, cut to just them; a character no installed font has is
reported to the clerk, never printed as an empty box in silence."""

import io
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from documents.models import DocumentTemplate
from documents.pdf import html_to_pdf
from documents.services import document_render

pytestmark = pytest.mark.django_db

RARE = "𠀀𪚥"  # U+20000, U+2A6A5: not in Noto Serif CJK SC
NO_FONT = "\U00030000"  # 𰀀, CJK Extension G: in no font Debian's fonts-hanazono installs


def _fonts(data: bytes) -> set[str]:
    found = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            found.add(str(font.get_object()["/BaseFont"]))
    return found


def _rename_first_owner(case, name: str):
    ownership = case.unit.flats.order_by("room").first().ownerships.select_related("owner").first()
    type(ownership.owner).objects.filter(pk=ownership.owner.pk).update(name=name)


def test_extension_b_names_print_from_a_subset_of_the_fallback_face(case):
    _rename_first_owner(case, f"林{RARE}")
    rendered = document_render(case=case, template=DocumentTemplate.BALLOTS, actor=None)
    assert f"林{RARE}" in rendered.html
    assert rendered.missing_glyphs == ()
    fonts = _fonts(rendered.pdf_bytes)
    assert any("HanaMinB" in f for f in fonts), fonts
    assert all(re.match(r"^/[A-Z]{6}\+", f) for f in fonts), fonts  # subsets only
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(rendered.pdf_bytes)).pages)
    assert f"林{RARE}" in "".join(text.split()).replace("\x00", "")  # pypdf reads a NUL after each
    assert len(rendered.pdf_bytes) < 400 * 1024  # the 30 MB face adds a few KB


def test_a_document_without_rare_characters_embeds_no_fallback_face(case):
    rendered = document_render(case=case, template=DocumentTemplate.APPLICATION, actor=None)
    assert rendered.missing_glyphs == ()
    assert not any("HanaMin" in f for f in _fonts(rendered.pdf_bytes))


def test_a_character_no_font_has_is_reported_with_where_it_occurs():
    pdf = html_to_pdf(f"<html><body><p>业主：王{NO_FONT}五，张{RARE[0]}三</p></body></html>")
    assert [m.char for m in pdf.missing_glyphs] == [NO_FONT]
    message = str(pdf.missing_glyphs[0])
    assert "U+30000" in message and f"王{NO_FONT}五" in message and "空框" in message


def test_render_documents_warns_on_stderr_and_keeps_stdout_to_the_paths(case, tmp_path):
    _rename_first_owner(case, f"王{NO_FONT}五")
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("render_documents", case.number, "--out", str(tmp_path), stdout=stdout, stderr=stderr)
    assert stdout.getvalue().splitlines() == [
        str(tmp_path / name) for name in ("application.pdf", "ballots.pdf", "agreement.pdf", "notice.pdf")
    ]
    warnings = stderr.getvalue().splitlines()
    assert warnings and all("U+30000" in line for line in warnings)
    assert any(line.startswith("警告 ballots.pdf：") and f"王{NO_FONT}五" in line for line in warnings)


def test_printing_from_the_case_page_tells_the_clerk_what_prints_as_a_box(case, client):
    from django.urls import reverse

    from cases.tests.factories import UserFactory

    _rename_first_owner(case, f"王{NO_FONT}五")
    client.force_login(UserFactory(with_role="district_officer", jurisdiction=case.jurisdiction))
    printed = client.post(reverse("admin:documents_case_render", args=[case.pk, DocumentTemplate.BALLOTS]))
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "U+30000" in page and f"王{NO_FONT}五" in page and "请在打印件上手写补正" in page
