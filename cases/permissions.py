"""Who may do what on a case. Services enforce these; screens use them to show exactly
the buttons the user may press. Seeing a case at all is `selectors.case_list_visible_to`."""

from .models import CaseStatus
from .roles import SPEC_BY_ROLE, Role, is_city_wide, roles_of
from .workflow import STEP_ACTION_BY_NAME, STEP_ACTIONS, Actor, Department, StepState


def departments_of(user) -> set[Department]:
    return {SPEC_BY_ROLE[r].department for r in roles_of(user) if SPEC_BY_ROLE[r].department is not None}


def is_applicant_for(user, case) -> bool:
    """The construction unit's own account: its agent builder, or one of its representatives."""
    if not user.is_authenticated or Role.AGENT_BUILDER not in roles_of(user):
        return False
    if user.agent_builder_id and case.agent_builder_id == user.agent_builder_id:
        return True
    return bool(user.owner_id) and case.representatives.filter(pk=user.owner_id).exists()


def _staff_of_jurisdiction(user, case) -> bool:
    return user.is_authenticated and not is_city_wide(user) and user.jurisdiction_id == case.jurisdiction_id


def can_decide(user, step) -> bool:
    """Reviewers of the step's department in the case's jurisdiction (superusers too)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return _staff_of_jurisdiction(user, step.case) and Department(step.department) in departments_of(user)


def can_submit_online(user, step) -> bool:
    return is_applicant_for(user, step.case)


def can_record_paper(user, step) -> bool:
    """The receiving office (district housing) records what applicants bring on paper."""
    if user.is_authenticated and user.is_superuser:
        return True
    return _staff_of_jurisdiction(user, step.case) and Department.HOUSING in departments_of(user)


def is_receiving_office(user, case) -> bool:
    """The case's receiving office: district housing staff of its jurisdiction (a superuser
    acts for any office). The one check behind what only that office does: the vote, the
    notice, the register after installation, the office's prints."""
    if user.is_authenticated and user.is_superuser:
        return True
    return _staff_of_jurisdiction(user, case) and Department.HOUSING in departments_of(user)


def may_see_personal_data(user, jurisdiction_id) -> bool:
    """Who may see an owner's ID number or mobile number in full (on a logged click; lists
    and pages show them masked): the receiving office of the record's district, which
    registers and checks owners, and a superuser. Reviewers and the city see them masked.
    Asked for each row of a list: reads nothing from the database (the roles are cached)."""
    if user.is_authenticated and user.is_superuser:
        return True
    return (
        user.is_authenticated
        and not is_city_wide(user)
        and jurisdiction_id is not None
        and user.jurisdiction_id == jurisdiction_id
        and Department.HOUSING in departments_of(user)
    )


def can_run_vote(user, case) -> bool:
    """The receiving office runs the owners' vote: roster, opening and closing, paper ballots, witness."""
    return is_receiving_office(user, case)


# Who each actor of the step actions (cases.workflow.STEP_ACTIONS) is.
_IS_ACTOR = {
    Actor.APPLICANT: can_submit_online,
    Actor.WINDOW: can_record_paper,
    Actor.DEPARTMENT: can_decide,
}


def _entitled(user, step, action, answers: dict) -> bool:
    """Whether the user is one of the action's actors; each actor asked once per `answers`."""
    if not action.applies_to(step.number):
        return False
    for actor in action.actors:
        if actor not in answers:
            answers[actor] = _IS_ACTOR[actor](user, step)
        if answers[actor]:
            return True
    return False


def entitled_to(user, step, action: str) -> bool:
    """Whether the user may ever take this action on this step, whatever the step's state
    now. `actions_for` adds the state."""
    step_action = STEP_ACTION_BY_NAME.get(action)
    return step_action is not None and _entitled(user, step, step_action, {})


def actions_for(user, step) -> list[str]:
    """The actions a user may take on a step now, for the buttons on the case page; the
    services check the same rules again when the action is taken."""
    if step.case.status != CaseStatus.OPEN:
        return []
    state = StepState(step.state)
    answers = {}  # each actor asked once: approve, return and reject share one
    return [a.name for a in STEP_ACTIONS if state in a.sources and _entitled(user, step, a, answers)]
