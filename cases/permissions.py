"""Who may do what on a case. Services enforce these; screens use them to show exactly
the buttons the user may press. Seeing a case at all is `selectors.case_list_visible_to`."""

from django.utils.translation import gettext_lazy as _

from .roles import SPEC_BY_ROLE, Role, is_city_wide, roles_of
from .workflow import Department, StepState


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


def can_upload(user, step) -> bool:
    return can_submit_online(user, step) or can_record_paper(user, step) or can_decide(user, step)


def can_set_notice(user, step) -> bool:
    return step.number == 2 and can_record_paper(user, step)


def can_run_vote(user, case) -> bool:
    """The receiving office runs the owners' vote: roster, opening and closing, paper ballots, witness."""
    if user.is_authenticated and user.is_superuser:
        return True
    return _staff_of_jurisdiction(user, case) and Department.HOUSING in departments_of(user)


# The moves a user may make on a step now, for the buttons on the case page; the services
# check the same rules again when the move is made.
ACTION_LABELS = {
    "submit": _("网上申报"),
    "paper": _("登记窗口收件"),
    "approve": _("审查通过"),
    "return": _("退回补正"),
    "reject": _("不予通过"),
    "notice": _("登记公示期"),
    "upload": _("上传材料"),
}


_WAITING_FOR_APPLICANT = frozenset({StepState.IN_PROGRESS, StepState.RETURNED})

# Each step action: who may take it (their department, office or applicant role) and in
# which states of the step. The buttons follow this order.
_ACTIONS = {
    "submit": (can_submit_online, _WAITING_FOR_APPLICANT),
    "paper": (can_record_paper, _WAITING_FOR_APPLICANT),
    "approve": (can_decide, frozenset({StepState.SUBMITTED})),
    "return": (can_decide, frozenset({StepState.SUBMITTED})),
    "reject": (can_decide, frozenset({StepState.SUBMITTED})),
    "notice": (can_set_notice, _WAITING_FOR_APPLICANT | {StepState.SUBMITTED}),
    "upload": (can_upload, _WAITING_FOR_APPLICANT | {StepState.SUBMITTED}),
}


def entitled_to(user, step, action: str) -> bool:
    """Whether the user may ever take this action on this step, whatever the step's state
    now. `actions_for` adds the state."""
    check, _states = _ACTIONS.get(action, (None, None))
    return check is not None and check(user, step)


def actions_for(user, step) -> list[str]:
    from .models import CaseStatus

    if step.case.status != CaseStatus.OPEN:
        return []
    state = StepState(step.state)
    entitled = {}  # each check asked once: approve, return and reject share one
    actions = []
    for action, (check, states) in _ACTIONS.items():
        if state in states:
            if check not in entitled:
                entitled[check] = check(user, step)
            if entitled[check]:
                actions.append(action)
    return actions
