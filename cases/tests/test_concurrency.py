"""Case numbering when cases open at the same moment (PostgreSQL: real row locks)."""

import threading

import pytest
from django.db import connection

from cases import services

from .factories import unit_with_flats

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_simultaneous_openings_get_distinct_consecutive_numbers(on_postgres):
    units = [unit_with_flats(flats=2) for _ in range(8)]
    barrier = threading.Barrier(len(units))
    numbers, errors = [], []

    def open_one(unit):
        try:
            barrier.wait()
            numbers.append(services.case_open(unit=unit, actor=None).number)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(u,)) for u in units]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 9))


def test_the_same_unit_opened_twice_at_once_gives_one_case(on_postgres):
    unit = unit_with_flats(flats=2)
    barrier = threading.Barrier(2)
    outcomes = []

    def open_it():
        try:
            barrier.wait()
            outcomes.append(services.case_open(unit=unit, actor=None).number)
        except services.ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len([o for o in outcomes if o.startswith("FZ-")]) == 1
    assert any("已有办理中的案件" in o for o in outcomes)


def test_two_officers_deciding_the_same_step_at_once_cannot_both_win(on_postgres):
    from .factories import open_case, record_paper, reviewer_for

    case = open_case()
    step = case.steps.get(number=1)
    record_paper(step)
    first, second = reviewer_for(step), reviewer_for(step)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user, decision):
        try:
            barrier.wait()
            services.case_decide_step(step=step, actor=user, decision=decision, note=f"{decision} by {user.username}")
            outcomes.append(("won", decision))
        except services.ValidationError as exc:
            outcomes.append(("refused", exc.messages[0]))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(first, "return")),
        threading.Thread(target=decide, args=(second, "reject")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o[0] for o in outcomes) == ["refused", "won"]
    step.refresh_from_db()
    winner = next(o[1] for o in outcomes if o[0] == "won")
    assert step.state == {"return": "returned", "reject": "rejected"}[winner]
    assert step.history.filter(from_state="submitted").count() == 1
