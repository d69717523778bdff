"""A voter with more than 100 flats (a developer's unsold flats are one voter): the ballot
keeps every room and name, through the service, the ballot file command and the vote page,
on SQLite and PostgreSQL (where a bounded column overflowed with a traceback)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.tests.factories import FlatFactory, OwnerFactory, UnitFactory, UserFactory, open_case, valid_credit_code
from voting import services
from voting.models import Ballot
from voting.voters import unit_voters

from .factories import ballot_csv, scan_upload

pytestmark = pytest.mark.django_db

FLATS = 120


def developer_unit():
    """Two owners' flats and 120 unsold flats of one developer: three voters."""
    unit = UnitFactory()
    developer = OwnerFactory(name="泉州市刺桐房地产开发有限公司", id_number=valid_credit_code(4242))
    FlatFactory(unit=unit, floor=1, room="0101")
    FlatFactory(unit=unit, floor=1, room="0102")
    for i in range(FLATS):
        floor = i // 4 + 2
        FlatFactory(unit=unit, floor=floor, room=f"{floor:02d}{i % 4 + 1:02d}", developer_held=True, owners=[developer])
    return unit


def developer_rooms(unit) -> str:
    voter = next(v for v in unit_voters(unit=unit) if v.developer)
    assert len(voter.rooms) == FLATS and len(voter.rooms_label) > 500
    return voter.rooms_label


def test_a_paper_ballot_of_a_voter_with_120_flats_keeps_every_room():
    unit = developer_unit()
    vote = services.vote_open(case=open_case(unit=unit), actor=None)
    ballot = services.ballot_record_paper(vote=vote, room="0201", choice="agree", scan=scan_upload(), actor=None)
    ballot.refresh_from_db()
    assert ballot.rooms == developer_rooms(unit)
    assert ballot.voter_names.startswith("开发商（未售或未交付房屋）：泉州市刺桐房地产开发有限公司")
    vote = services.vote_close(vote=vote, actor=None)
    assert vote.participating_headcount == 1


def test_the_ballot_file_command_records_a_voter_with_120_flats(tmp_path):
    unit = developer_unit()
    case = open_case(unit=unit)
    rooms = developer_rooms(unit).split("、")
    path = tmp_path / "选票.csv"
    path.write_bytes(ballot_csv({"0101": "同意", "0102": "反对", **dict.fromkeys(rooms, "同意")}))
    out = StringIO()
    call_command("import_ballots", case.number, str(path), stdout=out, stderr=StringIO())
    assert "新增3票" in out.getvalue()
    assert Ballot.objects.get(vote__case=case, rooms__startswith="0201").rooms == "、".join(rooms)


def test_the_vote_page_records_the_paper_ballot_of_a_voter_with_120_flats(client):
    unit = developer_unit()
    case = open_case(unit=unit)
    services.vote_open(case=case, actor=None)
    client.force_login(UserFactory(with_role="district_officer"))
    response = client.post(
        reverse("admin:voting_case_vote", args=[case.pk]),
        {
            "action": "paper_ballot",
            "paper_ballot-room": "0201",
            "paper_ballot-choice": "disagree",
            "paper_ballot-scan": scan_upload(),
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已登记" in page and developer_rooms(unit) in page
    assert Ballot.objects.get(vote__case=case).rooms == developer_rooms(unit)
