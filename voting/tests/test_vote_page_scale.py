"""The vote page reads the roster once and as many queries for 6 flats as for 33, an open
vote as a closed one (issue 10 §1, §2); a ballot reads the frozen roster before it takes the
vote's lock, not while every other ballot of the unit waits for it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.tests.factories import UserFactory, open_case, unit_with_flats
from voting import services
from voting.voters import unit_voters

from .factories import VoteFactory, scan_upload

pytestmark = pytest.mark.django_db


def _page_queries(client, case) -> int:
    url = reverse("admin:voting_case_vote", args=[case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _case_with_open_vote(flats: int):
    case = open_case(unit=unit_with_flats(flats=flats))
    voters = unit_voters(unit=case.unit)
    VoteFactory(case=case, choices={v.rooms[0]: "同意" for v in voters[: flats // 2]})
    return case


def test_the_vote_page_reads_as_many_queries_for_33_flats_as_for_6(client):
    client.force_login(UserFactory(with_role="district_officer"))
    small, large = _case_with_open_vote(6), _case_with_open_vote(33)
    assert _page_queries(client, small) == _page_queries(client, large)


def test_an_open_vote_page_reads_no_more_than_a_closed_one(client):
    client.force_login(UserFactory(with_role="district_officer"))
    open_ = _case_with_open_vote(12)
    closed = open_case(unit=unit_with_flats(flats=12))
    VoteFactory(case=closed, choices="agree", closed=True)
    assert _page_queries(client, open_) == _page_queries(client, closed)


def test_the_vote_page_reads_the_roster_once(client):
    client.force_login(UserFactory(with_role="district_officer"))
    case = _case_with_open_vote(33)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("admin:voting_case_vote", args=[case.pk]))
    assert page.status_code == 200
    flat_reads = [q for q in ctx.captured_queries if q["sql"].lstrip().startswith('SELECT "cases_flat"."id"')]
    assert len(flat_reads) == 1, [q["sql"][:120] for q in flat_reads]
    assert "已投票 16/33 人" in page.content.decode() or "16/33" in page.content.decode()


def test_each_open_vote_page_lists_its_own_voters_for_a_paper_ballot(client):
    """The paper ballot's fields are rendered once for a list of voters (voting/views.py):
    each case's page still lists its own voters, whichever page came first."""
    client.force_login(UserFactory(with_role="district_officer"))
    small, large = _case_with_open_vote(6), _case_with_open_vote(8)
    for case in (small, large, small):
        page = client.get(reverse("admin:voting_case_vote", args=[case.pk])).content.decode()
        start = page.index('name="paper_ballot-room"')
        rooms = page[start : page.index("</select>", start)]
        assert 'value="302"' in rooms
        assert ('value="402"' in rooms) == (case == large)


def test_a_paper_ballot_reads_the_roster_before_the_votes_lock(on_postgres):
    case = _case_with_open_vote(33)
    vote = case.votes.get()
    clerk = UserFactory(with_role="district_officer", jurisdiction=case.jurisdiction)
    with CaptureQueriesContext(connection) as ctx:
        services.ballot_record_paper(vote=vote, room="1601", choice="同意", scan=scan_upload(), actor=clerk)
    sql = [q["sql"] for q in ctx.captured_queries]
    locked = next(i for i, q in enumerate(sql) if q.startswith('SELECT "voting_vote"') and "FOR NO KEY UPDATE" in q)
    assert not [q for q in sql[locked:] if '"cases_flat"' in q or '"cases_ownership"' in q]
    assert any('"cases_flat"' in q for q in sql[:locked])
    assert vote.ballots.filter(rooms="1601", superseded_at__isnull=True).exists()
