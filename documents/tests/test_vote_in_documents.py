"""A counted vote fills the tally sheet and the notice: every flat's choice, the four
ratios against 2/3 and 3/4, the outcome, the witness."""

import csv
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from documents.models import DocumentTemplate
from documents.services import document_html, document_render
from voting import services as voting_services
from voting.rules import Choice
from voting.tests.factories import SAMPLE_BALLOTS, SAMPLE_TALLY, VoteFactory, import_ballots, sample_case, scan_upload

from .conftest import flat_text, pdf_text

pytestmark = pytest.mark.django_db


def html_for(case, template):
    return document_html(case=case, template=template, code="ABCDEFGH23", version=1)


def test_the_shared_sample_vote_prints_its_exact_tally():
    case = sample_case()
    vote = voting_services.vote_open(case=case, actor=None)
    with SAMPLE_BALLOTS.open(encoding="utf-8-sig", newline="") as fh:
        choices = {row["房号"]: row["表决意见"] for row in csv.DictReader(fh)}
    import_ballots(vote, choices)
    vote = voting_services.vote_close(vote=vote, actor=None)
    voting_services.witness_record(
        vote=vote,
        actor=None,
        witness_name="社区见证员",
        organisation_kind="community",
        organisation_name="东湖社区居民委员会",
        witnessed_at=timezone.now(),  # not before the vote opened
        method="现场见证投票、唱票和计票",
        upload=scan_upload(),
    )
    expected = json.loads(SAMPLE_TALLY.read_text(encoding="utf-8"))
    area = {k: f"{Decimal(expected[k]['area']):,}" for k in ("total", "participating", "agreeing")}

    rendered = document_render(case=case, template=DocumentTemplate.BALLOTS, actor=None)
    text = flat_text(pdf_text(rendered.pdf_bytes))
    assert all(value in rendered.html for value in area.values())
    tally = rendered.html[rendered.html.index("业主表决结果汇总表</h1>") :]
    for room, choice in choices.items():
        row = tally[tally.index(f'<td class="center">{room}</td>') :]
        row = row[: row.index("</tr>")]
        assert Choice.parse(choice).label in row, room
    assert "未投票" in tally  # 502, 602 and 701 gave no ballot
    assert "东湖社区居民委员会" in text and "社区见证员" in text and "现场见证投票、唱票和计票" in text
    assert ("√通过" in text) == expected["passed"]

    notice = html_for(case, DocumentTemplate.NOTICE)
    assert ("表决结果：<b>通过</b>" in notice) == expected["passed"]
    assert area["participating"] in notice and area["agreeing"] in notice
    # The headcount is the law's, voters rather than people, and the notice says so.
    assert f"业主人数{expected['total']['headcount']}人（按表决人计" in notice


def test_a_failed_vote_says_which_condition_failed():
    vote = VoteFactory(failing=True)
    html = html_for(vote.case, DocumentTemplate.BALLOTS)
    assert "同意的专有部分面积未达参与表决面积的四分之三" in html
    assert "同意的人数未达参与表决人数的四分之三" in html
    assert "0.00%" in html and "100.00%" in html
    assert "反对" in html
    notice = html_for(vote.case, DocumentTemplate.NOTICE)
    assert "表决结果：<b>未通过</b>" in notice


def test_an_open_vote_leaves_the_result_to_be_counted():
    vote = VoteFactory(choices={"101": "同意"})
    html = html_for(vote.case, DocumentTemplate.BALLOTS)
    assert "未投票" not in html and "表决结果：" in html
    assert "≥2/3（66.67%）" in html
