"""The one way a test gets a case standing at a step: `CaseFactory(at_step=N)`.

It opens the case through the service and walks it there with `demo.progress.case_bring_to`,
the function the demo data uses, so a case at step N is what users would have made: the
vote imported, closed and witnessed, the papers brought to the window, the notice run, each
step decided by its department, with every history row and audit event. Which state each
step then has is `cases.workflow.step_states_at`, which the benchmark generator follows too.

    CaseFactory()                                    step 1 waiting for the applicant, no vote
    CaseFactory(at_step=1, state="submitted")        the vote passed, step 1 handed in
    CaseFactory(at_step=2)                           step 1 approved, step 2 (the notice) waiting
    CaseFactory(at_step=2, notice="running")         … with its notice under way
    CaseFactory(at_step=5, state="returned")         steps 1–4 approved, step 5 returned
    CaseFactory(at_step=3, state="rejected")         the case ended at planning review
    CaseFactory(completed=True)                      all eight approved
    CaseFactory(unit=unit_with_flats(has_reserved_shaft=True), at_step=4)   step 3 not required

The case lives in the unit's office (丰泽区 unless the unit says otherwise); a district officer
of that office records the window submissions, a reviewer of each step's department decides
it, and the vote and the notice are the system's (no actor).
"""

import factory

from cases.models import Case
from cases.tests.factories import officer, open_case, reviewer_for, unit_with_flats
from cases.workflow import LAST_STEP, StepState
from demo.progress import case_bring_to


def _vote_for(o) -> str:
    """A case past step 1's waiting needs the passed vote; one still waiting has none."""
    return "none" if (o.at_step, o.state) == (1, StepState.IN_PROGRESS) else "closed"


class CaseFactory(factory.Factory):
    class Meta:
        model = Case

    unit = factory.LazyFunction(unit_with_flats)
    actor = None  # who opens the case
    at_step = 1
    state = StepState.IN_PROGRESS
    vote = factory.LazyAttribute(_vote_for)  # "closed", "open", "none" (demo.progress.case_bring_to)
    notice = ""  # at step 2: "running" or "over"

    class Params:
        completed = factory.Trait(at_step=LAST_STEP, state=StepState.APPROVED)

    @classmethod
    def _create(cls, model_class, *, unit, actor, at_step, state, vote, notice):
        case = open_case(unit=unit, actor=actor)
        return case_bring_to(
            case=case,
            step=at_step,
            state=state,
            clerk=officer(case.jurisdiction.code),
            reviewer=reviewer_for,
            vote=vote,
            notice=notice,
        )
