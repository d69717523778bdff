"""owners/timeline.py alone: what the owners are asked to do now, from the facts the page read."""

import datetime

from owners.timeline import OwnerFacts, TaskKind, tasks_for


def test_nothing_is_asked_once_the_case_is_over():
    facts = OwnerFacts(case_open=False, vote_open=True, agreement_exists=True, notice_ends=datetime.date(2026, 12, 1))
    assert tasks_for(facts) == []


def test_the_three_tasks_in_the_order_they_come():
    facts = OwnerFacts(
        case_open=True,
        vote_open=True,
        agreement_exists=True,
        notice_ends=datetime.date(2026, 12, 14),
        office="丰泽区住建局",
    )
    tasks = tasks_for(facts)
    assert [t.kind for t in tasks] == [TaskKind.VOTE, TaskKind.SIGN, TaskKind.NOTICE]
    assert "2026年12月14日" in tasks[2].text and "丰泽区住建局" in tasks[2].text


def test_done_things_are_not_asked_again():
    facts = OwnerFacts(case_open=True, vote_open=True, has_voted=True, agreement_exists=True, has_signed=True)
    assert tasks_for(facts) == []
