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


def test_decisions_on_two_cases_of_the_same_district_do_not_wait_for_each_other(on_postgres):
    """A decision locks its case and its step, never the district (jurisdiction) row: the
    other case's decision commits while the first one's transaction is still open."""

    from .concurrency import run_while_open
    from .factories import open_case, pdf_upload, record_paper, reviewer_for

    steps = []
    for _ in range(2):
        step = open_case().steps.get(number=1)
        record_paper(step)
        steps.append(step)

    def decide_first():
        services.case_decide_step(step=steps[0], actor=reviewer_for(steps[0]), decision="return", note="补正")

    def decide_second():
        services.case_decide_step(step=steps[1], actor=reviewer_for(steps[1]), decision="return", note="补正")
        services.attachment_add(step=steps[1], kind="other", upload=pdf_upload(), actor=None)  # what was asked
        services.step_submit(step=steps[1], actor=None, note="已补正")

    other_committed_first, errors = run_while_open(decide_first, decide_second)
    seen = {"other_committed_first": other_committed_first}
    assert errors == []
    assert seen["other_committed_first"], "the second case's decision waited for the first case's"
    for step in steps:
        step.refresh_from_db()
    assert [s.state for s in steps] == ["returned", "submitted"]


def test_decisions_and_case_edits_on_many_cases_of_one_district_at_once(on_postgres):
    """Twelve decisions and six edits of six cases, all at once: each case's own rows
    queue, and nothing deadlocks across cases."""
    from .factories import open_case, record_paper, reviewer_for

    steps = []
    for _ in range(6):
        step = open_case().steps.get(number=1)
        record_paper(step)
        steps.append(step)
    barrier = threading.Barrier(len(steps) * 3)
    outcomes, errors = [], []

    def run(kind, call):
        try:
            barrier.wait()
            call()
            outcomes.append((kind, "done"))
        except services.ValidationError as exc:
            outcomes.append((kind, exc.messages[0]))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    calls = []
    for step in steps:
        user = reviewer_for(step)
        for decision in ("return", "reject"):
            calls.append(
                (
                    "decide",
                    lambda s=step, u=user, d=decision: services.case_decide_step(step=s, actor=u, decision=d, note=d),
                )
            )
        calls.append(
            ("edit", lambda s=step: services.case_update_details(case=s.case, actor=None, stretcher_capable=True))
        )
    threads = [threading.Thread(target=run, args=call) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # Of each case's two decisions one won and one found the step already decided; an edit
    # went through or found the case rejected meanwhile.
    assert outcomes.count(("decide", "done")) == len(steps)
    assert all("已被处理" in message for kind, message in outcomes if kind == "decide" and message != "done")
    assert all(message in ("done", "案件已结束，不能再修改。") for kind, message in outcomes if kind == "edit")
