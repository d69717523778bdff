"""What it takes to pass (issue 13 §4) as users meet it: `tally --json`'s "to_pass" on the
shared sample, and the vote page's "距离通过还差" for the staff and the applicant."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases import services as case_services
from cases.tests.factories import AgentBuilderFactory, UserFactory
from voting import services

from .factories import SAMPLE_BALLOTS, VoteFactory, import_ballots, sample_case
from .test_to_pass import brute_force

pytestmark = pytest.mark.django_db

# The first ballots of the shared sample: 5 of its 13 voters (301 and 601 are one owner),
# 597.05 of 1272.78 ㎡, four agreeing.
EARLY = {"101": "同意", "102": "同意", "201": "反对", "202": "同意", "301": "同意"}


def tally_json(case) -> dict:
    out = StringIO()
    call_command("tally", case.number, "--json", stdout=out)
    return json.loads(out.getvalue())


def sample_choices() -> dict[str, str]:
    lines = SAMPLE_BALLOTS.read_text(encoding="utf-8-sig").splitlines()[1:]
    return dict(line.split(",") for line in lines)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_tally_json_before_all_ballots_are_in_agrees_with_the_brute_force():
    from voting.rules import Choice, tally
    from voting.voters import unit_voters

    vote = VoteFactory(choices=EARLY)
    data = tally_json(vote.case)
    # 9 heads are 2/3 of 13: four more, and the four largest remaining flats (701, 401,
    # the developer's 702, 501: 378.13 ㎡) cover the 251.47 ㎡ participation lacks.
    assert data["to_pass"] == {"possible": True, "voters": 4}
    assert data["passed"] is False and data["participating"] == {"area": "597.05", "headcount": 5}
    voters = [v.voter for v in unit_voters(unit=vote.case.unit)]
    by_room = {room: v.key for v in voters for room in v.rooms}
    choices = {by_room[room]: Choice.parse(choice) for room, choice in EARLY.items()}
    assert brute_force(voters, choices) == 4
    assert not tally(voters, choices).passed


def test_tally_json_keeps_every_key_and_says_zero_once_passed():
    vote = VoteFactory(choices=sample_choices())
    data = tally_json(vote.case)
    assert list(data) == [
        "case",
        "total",
        "participating",
        "agreeing",
        "participation_met",
        "consent_met",
        "passed",
        "to_pass",
    ]
    assert data["passed"] is True and data["to_pass"] == {"possible": True, "voters": 0}
    services.vote_close(vote=vote, actor=None)
    assert tally_json(vote.case)["to_pass"] == {"possible": True, "voters": 0}


def test_tally_json_says_null_when_no_number_of_voters_can_carry_it():
    # Five disagree: 15 more agreeing heads would be needed, 8 are left.
    vote = VoteFactory(choices=dict.fromkeys(EARLY, "反对"))
    assert tally_json(vote.case)["to_pass"] == {"possible": False, "voters": None}
    # A failed vote that has closed: nobody is left to vote.
    closed = VoteFactory(failing=True)
    assert tally_json(closed.case)["to_pass"] == {"possible": False, "voters": None}


def test_tally_json_before_any_vote_counts_every_voter_as_still_to_vote():
    case = sample_case()
    assert tally_json(case)["to_pass"] == {"possible": True, "voters": 9}  # 9 heads of 13


def test_the_tally_lines_say_what_it_takes():
    vote = VoteFactory(choices=EARLY)
    out = StringIO()
    call_command("tally", vote.case.number, stdout=out)
    assert out.getvalue().splitlines()[-1] == "距离通过：再有4户业主同意即可通过"


def page_url(case):
    return reverse("admin:voting_case_vote", args=[case.pk])


def test_the_staff_see_what_the_open_vote_still_needs(client):
    vote = VoteFactory(choices=EARLY)
    client.force_login(UserFactory(with_role="district_officer"))
    page = text_of(client.get(page_url(vote.case)))
    assert "距离通过还差" in page
    assert "再有4户业主同意即可通过" in page
    # 2/3 of 1272.78 is 848.52; 597.05 is in: 251.47 ㎡, the two largest remaining flats
    # (701 and 401, 211.29 ㎡) are not enough, three are.
    assert "参与表决的专有部分面积还差 251.47 ㎡（或再有3户参与）" in page
    assert "参与表决的人数还差 4 人" in page
    assert "同意的专有部分面积：已达到四分之三" in page
    assert "同意的人数：已达到四分之三" in page


def test_the_applicant_sees_the_same_aggregates_and_no_ones_choice(client):
    vote = VoteFactory(choices=EARLY)
    agent = AgentBuilderFactory()
    case_services.case_update_details(case=vote.case, actor=None, agent_builder=agent)
    client.force_login(UserFactory(with_role="agent_builder", jurisdiction=None, agent_builder=agent))
    response = client.get(page_url(vote.case))
    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(response)
    assert "距离通过还差" in page and "再有4户业主同意即可通过" in page
    assert 'id="ballot-table"' not in html and 'id="ballots-withheld"' in html


def test_the_headlines_when_passed_and_when_it_cannot_pass(client):
    client.force_login(UserFactory(with_role="district_officer"))
    passed = VoteFactory(choices=sample_choices())
    assert "已达到通过条件" in text_of(client.get(page_url(passed.case)))
    hopeless = VoteFactory(choices=dict.fromkeys(EARLY, "反对"))
    page = text_of(client.get(page_url(hopeless.case)))
    assert "即使其余业主全部同意也无法通过" in page
    assert "同意的人数还差 15 人（其余业主全部同意也达不到）" in page


def test_nothing_when_the_vote_is_closed_or_not_open_yet(client):
    client.force_login(UserFactory(with_role="district_officer"))
    closed = VoteFactory(choices=EARLY, closed=True)
    assert 'id="vote-to-pass"' not in client.get(page_url(closed.case)).content.decode()
    assert 'id="vote-to-pass"' not in client.get(page_url(sample_case())).content.decode()


def test_the_section_follows_new_ballots(client):
    vote = VoteFactory(choices=EARLY)
    import_ballots(vote, {"701": "同意", "401": "同意", "702": "同意"}, name="第二批.csv")
    client.force_login(UserFactory(with_role="district_officer"))
    assert "再有1户业主同意即可通过" in text_of(client.get(page_url(vote.case)))
