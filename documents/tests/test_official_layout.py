"""The four documents as an official reads them (issue 10 §4): a seal asked only of an
organisation, the witness block never alone on the tally's last page, label cells that
keep their words on one line, the section headings alike."""

import pytest

from cases.models import OwnerKind, Ownership
from cases.tests.factories import OwnerFactory, open_case, unit_with_flats
from cases.tests.test_owner_kind import id_number_also_a_credit_code
from documents.models import DocumentTemplate
from documents.services import document_render

from .conftest import flat_text, pdf_pages_text, pdf_text

pytestmark = pytest.mark.django_db


def test_a_person_whose_id_passes_the_credit_code_check_signs_without_a_seal(case):
    person = OwnerFactory(name="陈双码", id_number=id_number_also_a_credit_code())
    assert person.kind == OwnerKind.PERSON
    flat = case.unit.flats.get(room="202")
    flat.ownerships.all().delete()
    Ownership.objects.create(flat=flat, owner=person)

    text = pdf_text(document_render(case=case, template=DocumentTemplate.AGREEMENT, actor=None).pdf_bytes)
    signing = [line for line in text.splitlines() if "陈双码" in line or "开发有限公司" in line]
    lines = " / ".join(signing)
    assert any("陈双码" in line for line in signing), lines
    assert not any("陈双码" in line and "盖章" in line for line in signing), lines
    # The developer (an organisation) is still asked for its seal: once in the whole agreement.
    assert flat_text(text).count("（盖章）") == 1


def test_the_witness_block_never_stands_alone_on_the_tally_sheets_last_page():
    """Units of 6 to 33 flats move the end of the tally across the page break, three rows at
    a time: the page with the witnesses and signatures always carries the result (the
    ratios and 表决结果：…) too. ("表决结果" alone is no proof: the footer's title has it.)"""
    for flats in range(6, 34, 3):
        case = open_case(unit=unit_with_flats(flats=flats))
        pages = pdf_pages_text(document_render(case=case, template=DocumentTemplate.BALLOTS, actor=None).pdf_bytes)
        witness = next(i for i, page in enumerate(pages) if "表决见证" in page)
        signing = next(i for i, page in enumerate(pages) if "见证人签名" in page)
        assert witness == signing == len(pages) - 1, f"{flats} flats: the block split from itself"
        last = flat_text(pages[witness])
        assert "表决结果：" in last and "法定标准" in last, f"{flats} flats: the witness block alone on its page"


def lines_of(case, template) -> list[str]:
    data = document_render(case=case, template=template, actor=None).pdf_bytes
    return [line.strip() for page in pdf_pages_text(data) for line in page.splitlines()]


@pytest.mark.parametrize(
    ("template", "labels"),
    [
        (DocumentTemplate.APPLICATION, ["文化遗产保护范围", "统一社会信用代码", "专有部分总面积", "可容纳担架电梯"]),
        (DocumentTemplate.AGREEMENT, ["（产权份额）", "专有部分面积"]),
        (DocumentTemplate.BALLOTS, ["专有部分面积", "受理部门意见", "业主代表签名", "计票人签名", "见证人签名"]),
    ],
)
def test_label_cells_keep_their_words_on_one_line(case, template, labels):
    lines = lines_of(case, template)
    for label in labels:
        assert any(label in line for line in lines), f"“{label}” broken over lines"
    # Nor is any single character of a label or an amount left alone on a line.
    alone = [line for line in lines if len(line) == 1 and not line.isdigit()]
    assert not alone, alone


def test_section_headings_are_numbered_bold_and_left_aligned_alike(case):
    """The application's seven sections: numbered in order, each in the bold face and at the
    left edge of its table, as the agreement's articles and the notice's headings are."""
    import io

    from pypdf import PdfReader

    data = document_render(case=case, template=DocumentTemplate.APPLICATION, actor=None).pdf_bytes
    found = {}

    for page in PdfReader(io.BytesIO(data)).pages:

        def visit(text, cm, tm, font, size, page=page):
            text = text.strip()
            if text[:2] in {f"{n}、" for n in "一二三四五六七"} and text[0] not in found:
                x = (tm[4] * cm[0] + tm[5] * cm[2] + cm[4]) / 72 * 25.4
                found[text[0]] = (text, round(x), str(font.get("/BaseFont", "")) if font else "")

        page.extract_text(visitor_text=visit)
    assert list(found) == list("一二三四五六七"), found
    assert {x for _text, x, _font in found.values()} == {27}, found  # 25 mm margin + 2 mm padding
    assert all(font.endswith("-Bold") for _text, _x, font in found.values()), found


def test_the_tally_prints_a_developers_name_on_one_line(case):
    pages = pdf_pages_text(document_render(case=case, template=DocumentTemplate.BALLOTS, actor=None).pdf_bytes)
    tally = "\n".join(page for page in pages if "业主表决结果汇总表" in page.splitlines()[0] or "法定标准" in page)
    row = next(line for line in tally.splitlines() if "开发商持有" in line)
    assert "泉州市测试房地产开发有限公司" in row, row
