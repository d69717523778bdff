"""A ballot file with several kinds of bad rows is refused naming every one of them at once,
by row and column, in row order, and nothing is saved: the rows the file itself gets wrong
(an unreadable choice, a missing or repeated room) and the rooms only the roster can refuse
(not in the unit) come in the same answer, on the vote page and on the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from audit.models import AuditEvent
from cases.tests.factories import UserFactory
from voting import services
from voting.models import Ballot, BallotImport, Vote
from voting.roster import TableFileError, parse_ballots

from .factories import VoteFactory, sample_case, table_csv

pytestmark = pytest.mark.django_db

ROWS = [
    ["101", "同意"],  # row 2: fine
    ["9999", "同意"],  # row 3: not in the roster
    ["102", "赞成"],  # row 4: unreadable choice
    ["", "同意"],  # row 5: no room
    ["201", "反对"],  # row 6: fine
    ["101", "反对"],  # row 7: room of row 2 again
    ["8888", "也许"],  # row 8: not in the roster and an unreadable choice
]
EXPECTED = [
    "第3行“房号”列：房号“9999”不在本梯业主名册中。",
    "第4行“表决意见”列（B列）：无法识别的表决意见“赞成”，应为“同意”“反对”或“弃权”。",
    "第5行“房号”列（A列）：缺少房号。",
    "第7行“房号”列（A列）：房号“101”与第2行重复。",
    "第8行“房号”列：房号“8888”不在本梯业主名册中。",
    "第8行“表决意见”列（B列）：无法识别的表决意见“也许”，应为“同意”“反对”或“弃权”。",
]


def bad_file() -> bytes:
    return table_csv(["房号", "表决意见"], ROWS)


def _import(vote, data: bytes):
    return services.ballots_import(
        vote=vote, rows=parse_ballots(data, "b.csv"), data=data, file_name="b.csv", actor=None
    )


def test_the_service_names_every_bad_row_at_once_in_row_order_and_saves_nothing():
    vote = VoteFactory()
    data = bad_file()
    with pytest.raises(TableFileError) as err:
        _import(vote, data)
    assert err.value.messages == EXPECTED
    assert not vote.ballots.exists() and not vote.imports.exists()


def test_a_disagreeing_voter_is_named_with_the_bad_rows():
    vote = VoteFactory()
    data = table_csv(["房号", "表决意见"], [["301", "同意"], ["999", "同意"], ["601", "反对"], ["102", "赞成"]])
    with pytest.raises(TableFileError) as err:
        _import(vote, data)
    problems = err.value.messages
    assert len(problems) == 3
    assert "第3行“房号”列：房号“999”不在本梯业主名册中。" == problems[0]
    assert "第5行“表决意见”列（B列）" in problems[1]
    assert "301" in problems[2] and "601" in problems[2] and "不一致" in problems[2]
    assert not vote.ballots.exists()


def test_import_ballots_command_names_every_bad_row_in_one_go_and_changes_nothing(tmp_path):
    case = sample_case()
    path = tmp_path / "ballots.csv"
    path.write_bytes(bad_file())
    counts = lambda: [m.objects.count() for m in (Vote, Ballot, BallotImport, AuditEvent)]  # noqa: E731
    before = counts()
    with pytest.raises(CommandError) as err:
        call_command("import_ballots", case.number, str(path), stdout=StringIO(), stderr=StringIO())
    message = str(err.value)
    assert f"（{len(EXPECTED)}处问题，未做任何修改）" in message
    listed = [line.removeprefix("  - ") for line in message.splitlines()[1:]]
    assert listed == EXPECTED
    assert counts() == before


def test_the_vote_page_names_every_bad_row_in_one_go(client):
    user = UserFactory(with_role="district_officer", full_name="陈晓东")
    client.force_login(user)
    vote = VoteFactory()
    url = reverse("admin:voting_case_vote", args=[vote.case.pk])
    response = client.post(url, {"action": "ballot_file", "ballot_file-file": SimpleUploadedFile("b.csv", bad_file())})
    assert response.status_code == 200
    page = response.content.decode()
    positions = [page.find(problem) for problem in EXPECTED]
    assert -1 not in positions, [p for p in EXPECTED if p not in page]
    assert positions == sorted(positions)
    assert not vote.ballots.exists() and not vote.imports.exists()


def test_parse_ballots_alone_keeps_the_readable_rows_and_names_the_others():
    rows = parse_ballots(bad_file(), "b.csv")
    assert [(r.line, r.room) for r in rows] == [(2, "101"), (3, "9999"), (6, "201")]
    assert rows.problems == [EXPECTED[1], EXPECTED[2], EXPECTED[3], EXPECTED[5]]


def test_a_file_without_any_filled_row_or_header_is_still_refused_when_read():
    with pytest.raises(TableFileError, match="没有任何已填写表决意见的行"):
        parse_ballots(table_csv(["房号", "表决意见"], [["101", ""]]), "b.csv")
    with pytest.raises(TableFileError, match="缺少“表决意见”列"):
        parse_ballots(table_csv(["房号"], [["101"]]), "b.csv")
