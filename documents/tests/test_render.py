"""The four templates rendered for real (WeasyPrint, the system's Noto fonts): the HTML
carries the case's data, and the PDF read back with pypdf says the same."""

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from documents.models import DocumentTemplate
from documents.services import document_html, document_render
from funding.selectors import cost_sharing_table

from .conftest import SCRIPT_NAME, build_case, flat_text, pdf_pages_text, pdf_text

pytestmark = pytest.mark.django_db


def html_for(case, template):
    return document_html(case=case, template=template, code="ABCDEFGH23", version=1)


def owner_names(case):
    return {o.owner.name for f in case.unit.flats.all() for o in f.ownerships.all()}


def test_application_html_carries_the_case(case):
    html = html_for(case, DocumentTemplate.APPLICATION)
    building = case.unit.building
    for text in [
        case.number,
        building.address,
        case.unit.name,
        "既有住宅增设电梯申请表",
        "丰泽区",
        "林双房",
        "380,000.00",
        "人民币叁拾捌万元整",
        "业主共同出资",
        "300,000.00",
        "提取住房公积金",
        "50,000.00",
        "泉州市安达电梯工程有限公司",
        f"{building.floors} 层",
        f"{building.year_built} 年",
        "未委托代建单位",
    ]:
        assert text in html, text
    # 8 flats; 8 owners (co-owners count each, the owner of 201 and 401 once).
    total_area = sum(f.area for f in case.unit.flats.all())
    assert "8 户（业主 8 人）" in html and f"{total_area:,.2f} ㎡" in html
    # The representative's ID number is masked on paper too.
    rep = case.representatives.get()
    assert rep.masked_id_number in html and rep.id_number not in html


def test_missing_data_prints_a_blank_line_never_none(db):
    case = build_case(with_money=False)  # no budget, design firm, installer, funding
    for template in DocumentTemplate:
        html = html_for(case, template)
        text = re.sub(r"<[^>]+>", " ", html)
        assert "None" not in text, template
        assert 'class="blank' in html, template


def test_markup_in_owner_names_is_escaped(case):
    for template in (DocumentTemplate.BALLOTS, DocumentTemplate.AGREEMENT):
        html = html_for(case, template)
        assert SCRIPT_NAME not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    rendered = document_render(case=case, template=DocumentTemplate.AGREEMENT, actor=None)
    assert SCRIPT_NAME in flat_text(pdf_text(rendered.pdf_bytes))  # printed literally, as a name


def test_ballots_one_page_per_voter_then_the_tally(case):
    rendered = document_render(case=case, template=DocumentTemplate.BALLOTS, actor=None)
    html = rendered.html
    # 8 flats: co-owners of 102 vote once, 201 and 401 share one owner: 7 voters.
    assert html.count('<section class="ballot">') == 7
    assert "共 7 张" in html and "业主表决结果汇总表" in html
    pages = pdf_pages_text(rendered.pdf_bytes)
    total = len(pages)
    assert rendered.record.pages == total
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {total} 页" in text
        assert rendered.record.code in text  # the verification code on every page
    # Each voter's ballot is its own page, in roster order, with every owner's name.
    assert "既有住宅增设电梯业主表决票" in pages[0]
    for name in owner_names(case) - {SCRIPT_NAME}:
        assert name in flat_text(pdf_text(rendered.pdf_bytes))
    ballot_of_two = next(p for p in pages if "陈共有" in p and "黄共有" in p and "表决票" in p)
    assert "共有人共同作为一名表决人" in ballot_of_two
    # The tally sheet: total area and headcount of the unit.
    total_area = sum(f.area for f in case.unit.flats.all())
    tally = flat_text("".join(pages[7:]))
    assert f"{total_area:,.2f}" in tally and "表决人7人" in tally
    assert "≥2/3（66.67%）" in tally and "≥3/4（75.00%）" in tally


def test_ballot_papers_are_the_ballots_without_the_tally(case):
    html = html_for(case, DocumentTemplate.BALLOT_PAPERS)
    assert html.count('<section class="ballot">') == 7
    assert "业主表决结果汇总表" not in html


@pytest.mark.parametrize("template", [DocumentTemplate.APPLICATION, DocumentTemplate.AGREEMENT])
def test_funding_plan_prints_in_the_guidance_order_whole_on_one_page(case, template):
    """Owners' money, then provident fund, then maintenance fund (not alphabetically by
    code); the plan is never split across pages and its total is printed once."""
    rendered = document_render(case=case, template=template, actor=None)
    pages = [flat_text(p) for p in pdf_pages_text(rendered.pdf_bytes)]
    labels = ["业主共同出资", "提取住房公积金", "使用住宅专项维修资金"]
    plan = [(p, text) for p, text in enumerate(pages) if "300,000.00" in text]
    assert len(plan) == 1, "the funding plan is split or repeated across pages"
    page, text = plan[0]
    rows = text[text.index("资金来源") :]
    positions = [rows.index(label + ("300,000.00", "50,000.00", "30,000.00")[i]) for i, label in enumerate(labels)]
    assert positions == sorted(positions)
    assert "合计380,000.00人民币叁拾捌万元整" in rows
    assert sum(p.count("合计380,000.00") for p in pages) == 1


def test_totals_of_tables_running_over_pages_print_once_under_the_last_row(db):
    """33 flats: the parties, the cost table and the tally run over several pages; their
    headers repeat on each page, their totals do not (a total under a part of the rows
    would read as that part's total)."""
    case = build_case(floors=11, per_floor=3)
    area = f"{sum(f.area for f in case.unit.flats.all()):,.2f}"
    agreement = [
        flat_text(p)
        for p in pdf_pages_text(document_render(case=case, template=DocumentTemplate.AGREEMENT, actor=None).pdf_bytes)
    ]
    parties = [p for p in agreement if "合计33户" in p]
    assert len(parties) == 1 and parties[0].index("1103") < parties[0].index("合计33户")
    assert sum("证件号码" in p for p in agreement) >= 2  # the parties' header did repeat
    costs = [p for p in agreement if "合计100.00%" in p]
    assert len(costs) == 1 and costs[0].index("1103") < costs[0].index("合计100.00%")
    ballots = document_render(case=case, template=DocumentTemplate.BALLOTS, actor=None).pdf_bytes
    tally = [p for p in map(flat_text, pdf_pages_text(ballots)) if "表决意见" in p]  # the header prints on two lines
    assert len(tally) >= 2  # runs over pages
    assert sum(f"合计{area}" in p for p in tally) == 1 and f"合计{area}" in tally[-1]


def test_agreement_cost_table_sums_to_the_shared_total_in_figures_and_capitals(case):
    rendered = document_render(case=case, template=DocumentTemplate.AGREEMENT, actor=None)
    html, text = rendered.html, flat_text(pdf_text(rendered.pdf_bytes))
    rows = cost_sharing_table(case=case)
    assert sum(r["amount"] for r in rows) == Decimal("350000.00")  # owners + provident fund
    assert "350,000.00" in html and "人民币叁拾伍万元整" in html
    for row in rows:
        assert f"{row['amount']:,.2f}" in html
    assert "增设电梯协议书" in text and case.number in text
    assert "人民币叁拾伍万元整" in text and "100.00%" in text
    for name in owner_names(case) - {SCRIPT_NAME}:
        assert name in text
    assert "按份共有" in text and "各方业主签字（按手印）" in text


def test_notice_follows_gbt_9704_and_names_no_owner(case):
    rendered = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None)
    reader = PdfReader(io.BytesIO(rendered.pdf_bytes))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)  # A4
    text = flat_text(pdf_text(rendered.pdf_bytes))
    assert "增设电梯的公示" in text and case.number in text and "丰泽区住房和城乡建设局" in text
    assert "特此公示" in text and "异议" in text
    # Posted in public: no owner's name or ID number.
    for flat in case.unit.flats.all():
        for ownership in flat.ownerships.all():
            assert ownership.owner.name not in text
            assert ownership.owner.masked_id_number not in text
    # The title's first line sits just under the 37 mm top margin; the text starts 28 mm from
    # the left edge, one line every 225 mm / 22.
    positions = []  # (text, x mm from the left, baseline mm from the top)

    def visit(text, cm, tm, *_):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            positions.append((text, x / 72 * 25.4, 297 - y / 72 * 25.4))

    reader.pages[0].extract_text(visitor_text=visit)
    title_top = next(top for t, x, top in positions if t.startswith("关于"))
    assert 37 < title_top < 37 + 12
    body = [(x, top) for t, x, top in positions if top > 70 and top < 297 - 35]
    assert round(min(x for x, _ in body), 1) == 28.0
    tops = sorted({round(top, 1) for x, top in body})
    assert round(tops[1] - tops[0], 1) == round(225 / 22, 1)


def test_the_notices_closing_never_stands_alone_on_a_page(case):
    """GB/T 9704: no page with only 特此公示, the issuer and the date. Schemes of growing
    length move the end of the text across a page break line by line."""
    from cases import services

    for lines in range(0, 24, 2):
        services.case_update_details(case=case, actor=None, scheme_summary="在单元北侧增设一部无机房电梯。" * 2 * lines)
        pages = pdf_pages_text(document_render(case=case, template=DocumentTemplate.NOTICE, actor=None).pdf_bytes)
        closing = next(flat_text(p) for p in pages if "特此公示" in p)
        assert not closing.startswith("特此公示"), f"{lines} lines: the closing alone on page {len(pages)}"


def test_pdfs_embed_only_font_subsets_with_a_real_bold(case):
    rendered = document_render(case=case, template=DocumentTemplate.APPLICATION, actor=None)
    reader = PdfReader(io.BytesIO(rendered.pdf_bytes))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all(re.match(r"^/[A-Z]{6}\+", f) for f in fonts), fonts  # subset tags
    assert all("Noto-Serif-CJK-SC" in f for f in fonts), fonts
    assert any(f.endswith("-Bold") for f in fonts), fonts  # the titles' real Bold face
    assert len(rendered.pdf_bytes) < 400 * 1024
