"""A case at step N, as the demo and the tests' CaseFactory(at_step=N) make it: every step in
the state `cases.workflow.step_states_at` gives, reached by the moves users make, each with
its history row and audit event."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from cases import services
from cases.models import CaseStatus, StepHistory
from cases.tests.factories import unit_with_flats
from cases.workflow import StepState, step_states_at
from voting.models import VoteState

from .factories import CaseFactory

pytestmark = pytest.mark.django_db

MOVE_EVENTS = ["case_step_started", "case_step_skipped", "case_step_submitted", "case_step_decided"]


@pytest.mark.parametrize(
    "at_step,state,shaft",
    [
        (1, StepState.SUBMITTED, False),
        (1, StepState.RETURNED, False),
        (2, StepState.IN_PROGRESS, False),
        (3, StepState.SUBMITTED, False),
        (4, StepState.IN_PROGRESS, True),
        (5, StepState.RETURNED, False),
        (3, StepState.REJECTED, False),
        (8, StepState.APPROVED, True),
    ],
)
def test_a_case_at_a_step_is_what_the_workflow_describes_made_by_the_services(at_step, state, shaft):
    case = CaseFactory(unit=unit_with_flats(has_reserved_shaft=shaft), at_step=at_step, state=state)
    expected = step_states_at(at_step, state, has_reserved_shaft=shaft)
    assert {s.number: s.state for s in case.steps.all()} == expected
    assert case.current_step == at_step
    assert case.status == {StepState.APPROVED: CaseStatus.COMPLETED, StepState.REJECTED: CaseStatus.REJECTED}.get(
        state, CaseStatus.OPEN
    )
    # Every move has its history row and audit event; each step's last move left its state.
    assert StepHistory.objects.filter(step__case=case).count() == (
        AuditEvent.objects.filter(case=case, event__in=MOVE_EVENTS).count()
    )
    for step in case.steps.exclude(state=StepState.NOT_STARTED):
        assert step.history.order_by("at", "pk").last().to_state == step.state
    # The vote passed and was witnessed before step 1 was handed in.
    (vote,) = case.votes.all()
    assert vote.state == VoteState.CLOSED and vote.passed and vote.witness_records.exists()
    if at_step > 2 or state == StepState.APPROVED:  # step 2 approved after its notice was over
        notice = case.steps.get(number=2)
        assert notice.notice_end < timezone.localdate()
        assert notice.started_at.date() <= notice.notice_start


def test_a_case_waiting_at_step_one_has_nothing_but_its_opening():
    case = CaseFactory()
    assert {s.number: s.state for s in case.steps.all()} == step_states_at(1, has_reserved_shaft=False)
    assert not case.votes.exists() and not case.attachments.exists()


def test_a_case_at_the_notice_goes_on_as_a_user_would_make_it():
    case = CaseFactory(at_step=2, notice="running")
    step2 = case.steps.get(number=2)
    assert step2.notice_start == timezone.localdate() - datetime.timedelta(days=3)
    assert step2.notice_end == step2.notice_start + datetime.timedelta(days=case.jurisdiction.notice_days)
    assert services.step_guard_problems(step=step2)  # the notice still runs: no approval yet


def test_a_heritage_case_brought_past_step_one_carries_the_heritage_opinion():
    case = CaseFactory(unit=unit_with_flats(in_heritage_area=True), at_step=2)
    assert case.steps.get(number=1).attachments.filter(kind="heritage_opinion").exists()


def test_an_open_vote_keeps_step_one_waiting():
    case = CaseFactory(vote="open")
    assert case.votes.get().state == VoteState.OPEN
    assert case.steps.get(number=1).state == StepState.IN_PROGRESS


def test_a_notice_is_set_only_where_asked_or_where_step_two_was_approved():
    handed_in = CaseFactory(at_step=2, state=StepState.SUBMITTED)
    step2 = handed_in.steps.get(number=2)
    assert step2.state == StepState.SUBMITTED and step2.notice_start is None
    with pytest.raises(ValueError):
        CaseFactory(at_step=3, notice="running")
