"""The tally sheet (业主表决结果汇总表) says which ballots a proxy signed with the owner's power
of attorney (代为表决), in the remark column of the rows of the voter's flats."""

import re

import pytest

from documents.models import DocumentTemplate
from documents.services import document_render
from voting import services as voting_services
from voting.services import Proxy
from voting.tests.factories import VoteFactory, import_ballots, letter_upload, scan_upload

from .conftest import flat_text, pdf_text

pytestmark = pytest.mark.django_db


def tally_row(html: str, room: str) -> str:
    """The row's text as printed, without its markup."""
    tally = html[html.index("业主表决结果汇总表</h1>") :]
    row = tally[tally.index(f'<td class="center">{room}</td>') :]
    return re.sub(r"<[^>]+>", "", row[: row.index("</tr>")])


def test_the_tally_sheet_names_the_proxy_and_the_letter_upload():
    vote = VoteFactory()
    # 101: the elderly owner's son signs for her; 301 and 601 (one owner, one voter): his wife.
    voting_services.ballot_record_paper(
        vote=vote,
        room="101",
        choice="同意",
        scan=scan_upload(),
        actor=None,
        proxy=Proxy(name="余志强", relation="子女", letter=letter_upload()),
    )
    voting_services.ballot_record_paper(
        vote=vote,
        room="601",
        choice="同意",
        scan=scan_upload(),
        actor=None,
        proxy=Proxy(name="王丽华", relation="配偶", letter=letter_upload("王丽华委托书.jpg")),
    )
    import_ballots(vote, {"102": "同意", "201": "反对"})
    voting_services.vote_close(vote=vote, actor=None)

    rendered = document_render(case=vote.case, template=DocumentTemplate.BALLOTS, actor=None)
    assert "由余志强（子女）代为表决（附委托书）" in tally_row(rendered.html, "101")
    # Both flats of the voter say so, after what the remark said before.
    assert "与601室合计一人；由王丽华（配偶）代为表决（附委托书）" in tally_row(rendered.html, "301")
    assert "与301室合计一人；由王丽华（配偶）代为表决（附委托书）" in tally_row(rendered.html, "601")
    for room in ("102", "201", "502"):  # the owner's own ballot, a file's ballot, no ballot
        assert "代为表决" not in tally_row(rendered.html, room)
    text = flat_text(pdf_text(rendered.pdf_bytes))
    assert "由余志强（子女）代为表决（附委托书）" in text
    assert text.count("由王丽华（配偶）代为表决（附委托书）") == 2


def test_an_open_vote_prints_no_proxy_yet():
    """Like the choices, the proxies print once the vote is counted."""
    vote = VoteFactory()
    voting_services.ballot_record_paper(
        vote=vote,
        room="101",
        choice="同意",
        scan=scan_upload(),
        actor=None,
        proxy=Proxy(name="余志强", relation="子女", letter=letter_upload()),
    )
    rendered = document_render(case=vote.case, template=DocumentTemplate.BALLOTS, actor=None)
    assert "代为表决" not in tally_row(rendered.html, "101")
