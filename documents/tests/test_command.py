"""The command-line contract: render_documents CASE_NUMBER --out DIR."""

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from documents.models import GeneratedDocument

pytestmark = pytest.mark.django_db

FILES = ["application.pdf", "ballots.pdf", "agreement.pdf", "notice.pdf"]


def test_writes_the_four_pdfs_and_prints_their_paths(case, tmp_path):
    out = tmp_path / "out" / "nested"  # created when missing
    stdout = io.StringIO()
    call_command("render_documents", case.number, "--out", str(out), stdout=stdout)
    assert stdout.getvalue().splitlines() == [str(out / name) for name in FILES]
    for name in FILES:
        data = (out / name).read_bytes()
        assert data.startswith(b"%PDF") and len(PdfReader(io.BytesIO(data)).pages) >= 1
        assert case.number in "".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    # Kept as versions by the system, so their QR codes verify.
    assert set(GeneratedDocument.objects.filter(generated_by=None).values_list("template", flat=True)) == {
        "application",
        "ballots",
        "agreement",
        "notice",
    }


def test_an_unknown_case_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="案件不存在：XX-2026-9999"):
        call_command("render_documents", "XX-2026-9999", "--out", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_out_is_required(case):
    with pytest.raises(CommandError):
        call_command("render_documents", case.number)
