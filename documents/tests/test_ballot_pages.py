"""One A4 page per voter: a voter owning several flats (and sharing them with a spouse)
still gets the whole ballot, down to the 收票人/见证人 row, on one page, so the printed
ballots have exactly as many pages as there are voters (and the tally's pages after them).
A voter with more flats than a page holds overflows, but every ballot starts a new page."""

import pytest

from cases.models import Ownership
from cases.tests.factories import OwnerFactory
from documents.models import DocumentTemplate
from documents.services import document_render

from .conftest import build_case, flat_text, pdf_pages_text

pytestmark = pytest.mark.django_db

TITLE = "既有住宅增设电梯业主表决票"


def give_flats(case, rooms, owners):
    """Make `owners` together the owners of each of `rooms`: one voter for all of them."""
    for flat in case.unit.flats.filter(room__in=rooms):
        flat.ownerships.all().delete()
        for owner in owners:
            Ownership.objects.create(flat=flat, owner=owner)


def as_in_the_demo(case):
    """The scheme summary as long as the demo cases' (two lines on the ballot)."""
    case.scheme_summary = f"在{case.unit}北侧增设一部可容纳担架的无机房电梯，4层4站，平层入户。"
    case.save(update_fields=["scheme_summary"])
    return case


def voter_count(case) -> int:
    html = document_render(case=case, template=DocumentTemplate.BALLOT_PAPERS, actor=None).html
    return html.count('<section class="ballot">')


def ballot_pages(case, template=DocumentTemplate.BALLOT_PAPERS) -> list[str]:
    rendered = document_render(case=case, template=template, actor=None)
    return [flat_text(text) for text in pdf_pages_text(rendered.pdf_bytes)]


def assert_one_whole_ballot_per_page(pages: list[str], voters: int) -> None:
    for number, text in enumerate(pages, start=1):
        assert text.count(TITLE) == 1, f"page {number} holds {text.count(TITLE)} ballot headers"
        assert f"第{number}张共{voters}张" in text, f"page {number} is not ballot {number}"
        # The last block of the ballot is on the ballot's own page.
        assert "收票人" in text and "见证人" in text, f"ballot {number} spills onto another page"


def test_a_two_flat_voter_gets_one_page_and_the_papers_have_one_page_per_voter(case):
    # build_case: 林双房 owns 201 and 401 (the top floor's 01 flat): 7 voters.
    as_in_the_demo(case)
    pages = ballot_pages(case)
    assert voter_count(case) == 7
    assert len(pages) == 7
    assert_one_whole_ballot_per_page(pages, 7)
    two_flats = next(p for p in pages if "林双房" in p)
    assert "201" in two_flats and "401" in two_flats and "同一业主的多套房屋合并为一名表决人" in two_flats


def test_a_couple_owning_four_flats_still_gets_one_page():
    case = as_in_the_demo(build_case(floors=6, per_floor=2))
    couple = [OwnerFactory(name="林双房"), OwnerFactory(name="林双房之妻")]
    give_flats(case, ["201", "301", "401", "601"], couple)
    voters = voter_count(case)
    pages = ballot_pages(case)
    assert len(pages) == voters
    assert_one_whole_ballot_per_page(pages, voters)
    four = next(p for p in pages if "林双房之妻" in p)
    assert all(room in four for room in ("201", "301", "401", "601"))


def test_the_ballots_with_the_tally_are_the_voters_pages_then_the_tally(case):
    as_in_the_demo(case)
    pages = ballot_pages(case, DocumentTemplate.BALLOTS)
    assert_one_whole_ballot_per_page(pages[:7], 7)
    assert all(TITLE not in p for p in pages[7:])
    assert "业主表决结果汇总表" in pages[7]


def test_a_voter_with_too_many_flats_overflows_but_every_ballot_starts_a_new_page():
    case = build_case(floors=12, per_floor=2)
    give_flats(case, [f"{floor}02" for floor in range(2, 12)], [OwnerFactory(name="多套房")])
    voters = voter_count(case)
    pages = ballot_pages(case)
    assert len(pages) > voters  # ten flats do not fit one page
    starts = [p for p in pages if TITLE in p]
    assert len(starts) == voters and all(p.count(TITLE) == 1 for p in starts)
    for number, text in enumerate(starts, start=1):
        assert text.startswith(TITLE) and f"第{number}张共{voters}张" in text
