"""The printed ballots are made out to the voters the tally counts (`voting.voters`), and
the tally sheet lists the four conditions as `voting.rules.CONDITIONS` declares them
(issue 11)."""

import pytest
from django.utils import timezone

from cases.tests.factories import FlatFactory
from documents.context import document_context
from documents.models import DocumentTemplate
from documents.services import document_html, document_render
from voting.rules import CONDITIONS, format_percent
from voting.selectors import stored_tally
from voting.tests.factories import VoteFactory
from voting.voters import RosterIncomplete, unit_voters

from .conftest import flat_text, pdf_text

pytestmark = pytest.mark.django_db


def html_for(case, template):
    return document_html(case=case, template=template, code="ABCDEFGH23", version=1)


def tally_sheet(html: str) -> str:
    return html[html.index("业主表决结果汇总表</h1>") :]


def condition_row(sheet: str, condition) -> str:
    row = sheet[sheet.index(f"<td>{condition.part_label} / {condition.whole_label}</td>") :]
    return row[: row.index("</tr>")]


def test_the_ballots_are_made_out_to_the_voters_the_tally_counts(case):
    voters = unit_voters(unit=case.unit)
    context = document_context(
        case=case, template=DocumentTemplate.BALLOTS, code="ABCDEFGH23", version=1, generated_at=timezone.now()
    )
    assert context["voters"] == voters
    html = html_for(case, DocumentTemplate.BALLOTS)
    assert html.count('<section class="ballot">') == len(voters) == 7
    sheet = tally_sheet(html)
    for voter in voters:
        assert f"第 {voter.number} 张　共 7 张" in html
        for room in voter.rooms:  # each flat's row names its voter
            row = sheet[sheet.index(f'<td class="center">{room}</td>') :]
            assert f"第{voter.number}人" in row[: row.index("</tr>")]


def test_the_tally_sheet_lists_the_rules_conditions_before_and_after_the_count(case):
    blank = tally_sheet(html_for(case, DocumentTemplate.BALLOTS))
    rows = [condition_row(blank, condition) for condition in CONDITIONS]
    assert [blank.index(row) for row in rows] == sorted(blank.index(row) for row in rows)
    for condition, row in zip(CONDITIONS, rows, strict=True):
        assert condition.bound in row and "是" not in row and "否" not in row
    assert "7 人" in rows[1]  # the headcount's whole: the roster's voters

    # 6 of the 7 voters, two of them against: participation met, consent not.
    choices = {"101": "同意", "102": "同意", "201": "同意", "202": "同意", "301": "反对", "302": "反对"}
    vote = VoteFactory(case=case, choices=choices, closed=True)
    result = stored_tally(vote=vote)
    assert result.failed_conditions == ("consent_area", "consent_headcount")
    counted = tally_sheet(html_for(case, DocumentTemplate.BALLOTS))
    for condition in CONDITIONS:
        row = condition_row(counted, condition)
        assert condition.bound in row and format_percent(result.ratio(condition)) in row
        assert row.endswith(f'<td class="center">{"是" if result.met(condition) else "否"}</td>')
    assert f"未达到的条件：{'；'.join(c.failure for c in CONDITIONS if not result.met(c))}。" in counted


def test_a_flat_without_owners_prints_no_ballots_but_names_the_flat(case):
    FlatFactory(unit=case.unit, room="403", floor=4, owners=[])
    with pytest.raises(RosterIncomplete):  # the tally cannot count this roster either
        unit_voters(unit=case.unit)
    for template in (DocumentTemplate.BALLOTS, DocumentTemplate.BALLOT_PAPERS):
        rendered = document_render(case=case, template=template, actor=None)
        assert "业主名册不完整，不能印制表决票：房号 403 没有业主证件号码" in rendered.html
        assert "张　共" not in rendered.html and "业主表决结果汇总表" not in rendered.html
        assert "房号403没有业主证件号码" in flat_text(pdf_text(rendered.pdf_bytes))
