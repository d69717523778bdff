"""The eight procedures (申报程序) of the 2025 Quanzhou guidance, as one table.

Pure Python, no ORM: this module can be read and tested alone (labels shown on screen are
gettext_lazy strings, translated when displayed). The report names the
procedures and the five departments that issued the guidance (住建、资规、城管、市场
监管、公积金) but not who acts at each step; the assignment below is what a district
housing office would expect and is documented per step.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Department(StrEnum):
    HOUSING = "housing"  # 住建：区县住房和城乡建设局（或两区管委会的建设部门）
    PLANNING = "planning"  # 资规：自然资源和规划
    URBAN = "urban"  # 城管：城市管理
    MARKET = "market"  # 市场监管：特种设备安全监察
    FUND = "fund"  # 公积金：住房公积金中心

    @property
    def label(self) -> str:
        return DEPARTMENT_LABELS[self]


DEPARTMENT_LABELS = {
    Department.HOUSING: _("住建部门"),
    Department.PLANNING: _("资规部门"),
    Department.URBAN: _("城管部门"),
    Department.MARKET: _("市场监管部门"),
    Department.FUND: _("公积金中心"),
}


@dataclass(frozen=True)
class Procedure:
    number: int
    code: str
    name: str  # gettext_lazy: shown in the user's language
    department: Department
    note: str


PROCEDURES: tuple[Procedure, ...] = (
    # The district housing bureau leads the joint preliminary review (others answer within
    # about five working days in practice), so housing decides.
    Procedure(
        1, "scheme_review", _("方案初审"), Department.HOUSING, "申请、表决结果、设计方案、资金筹集方案、业主协议"
    ),
    # Notice and witnessing are run by the office that received the application.
    Procedure(2, "public_notice", _("公示见证"), Department.HOUSING, "单元及小区公示、异议期、表决与协议见证"),
    # The guidance: only a building without a reserved shaft needs planning review.
    Procedure(3, "planning_review", _("规划审查"), Department.PLANNING, "未预留电梯井的须办理；已预留的不需办理"),
    # Construction-drawing review is supervised by the housing bureau.
    Procedure(4, "drawing_review", _("施工图设计、审查"), Department.HOUSING, "有资质单位设计并审查"),
    # Site occupation, greening and similar simplified approvals sit with urban management.
    Procedure(5, "joint_approval", _("部门简化审批"), Department.URBAN, "相关部门联合简化审批"),
    # Shaft works are building works: housing's quality and safety supervision.
    Procedure(6, "shaft_supervision", _("井道施工监管"), Department.HOUSING, "井道施工现场监管记录"),
    Procedure(7, "shaft_acceptance", _("井道工程竣工验收"), Department.HOUSING, "竣工验收记录，15日内备案"),
    # Elevators are special equipment: installation notice and supervisory inspection go
    # to market supervision (Special Equipment Safety Law arts. 23 and 25).
    Procedure(8, "installation", _("电梯安装"), Department.MARKET, "有资质单位安装、特种设备监督检验"),
)

PROCEDURE_BY_NUMBER = {p.number: p for p in PROCEDURES}
STEP_CHOICES = [(p.number, format_lazy("{}. {}", p.number, p.name)) for p in PROCEDURES]
FIRST_STEP = PROCEDURES[0].number
LAST_STEP = PROCEDURES[-1].number


# --- Step states and the allowed moves ---------------------------------------------------


class StepState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"  # waiting for the applicant to submit
    SUBMITTED = "submitted"  # waiting for the department to decide
    RETURNED = "returned"  # returned for correction; the applicant resubmits
    APPROVED = "approved"
    REJECTED = "rejected"  # ends the case
    NOT_REQUIRED = "not_required"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    StepState.NOT_STARTED: _("未开始"),
    StepState.IN_PROGRESS: _("待申报"),
    StepState.SUBMITTED: _("待审查"),
    StepState.RETURNED: _("退回补正"),
    StepState.APPROVED: _("已通过"),
    StepState.REJECTED: _("不予通过"),
    StepState.NOT_REQUIRED: _("无需办理"),
}

DONE_STATES = frozenset({StepState.APPROVED, StepState.NOT_REQUIRED})


class Actor(StrEnum):
    SYSTEM = "system"  # the portal itself, as a consequence of another move
    APPLICANT = "applicant"  # the construction unit: agent builder or owner representative, or an
    #                         officer recording their paper submission
    DEPARTMENT = "department"  # a reviewer of the step's department in the case's jurisdiction


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # gettext_lazy: shown in the user's language
    sources: frozenset[StepState]
    target: StepState
    actor: Actor
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    # A step opens when every earlier step is approved or not required (see `can_start`).
    Transition("start", _("开始办理"), frozenset({StepState.NOT_STARTED}), StepState.IN_PROGRESS, Actor.SYSTEM),
    # Planning review is skipped when the building kept a reserved elevator shaft (the guidance:
    # only buildings without one need it); recorded, never silently absent.
    Transition("skip", _("无需办理"), frozenset({StepState.NOT_STARTED}), StepState.NOT_REQUIRED, Actor.SYSTEM),
    # The applicant submits; a returned step is corrected and submitted again.
    Transition(
        "submit",
        _("提交申报"),
        frozenset({StepState.IN_PROGRESS, StepState.RETURNED}),
        StepState.SUBMITTED,
        Actor.APPLICANT,
    ),
    # Only a submitted step is decided, so a decision always refers to what was submitted.
    Transition("approve", _("审查通过"), frozenset({StepState.SUBMITTED}), StepState.APPROVED, Actor.DEPARTMENT),
    # Returning keeps the case alive: the reasons tell the applicant what to correct.
    Transition(
        "return",
        _("退回补正"),
        frozenset({StepState.SUBMITTED}),
        StepState.RETURNED,
        Actor.DEPARTMENT,
        needs_reason=True,
    ),
    # Rejection ends the case; the reasons are the legal record of why.
    Transition(
        "reject",
        _("不予通过"),
        frozenset({StepState.SUBMITTED}),
        StepState.REJECTED,
        Actor.DEPARTMENT,
        needs_reason=True,
    ),
)

TRANSITION_BY_NAME = {t.name: t for t in TRANSITIONS}


class TransitionNotAllowed(Exception):
    """A move the table does not allow from the step's current state."""


def transition_for(name: str, state: StepState) -> Transition:
    """The transition `name` from `state`, or a clear error naming the rule."""
    transition = TRANSITION_BY_NAME.get(name)
    if transition is None:
        raise TransitionNotAllowed(gettext("未知操作：%(name)s") % {"name": name})
    if state not in transition.sources:
        allowed = "、".join(str(STATE_LABELS[s]) for s in sorted(transition.sources))
        raise TransitionNotAllowed(
            gettext("“%(action)s”只能在%(allowed)s状态下进行，当前状态为“%(state)s”。")
            % {"action": transition.label, "allowed": allowed, "state": STATE_LABELS[state]}
        )
    return transition


def moves_from(state: StepState, actor: Actor) -> list[Transition]:
    """The moves an actor of this kind may make from a state (for the buttons)."""
    return [t for t in TRANSITIONS if state in t.sources and t.actor == actor]


def can_start(earlier_states: list[StepState]) -> bool:
    """No step starts before the earlier ones are approved or not required."""
    return all(state in DONE_STATES for state in earlier_states)


def step_required(number: int, *, has_reserved_shaft: bool) -> bool:
    return not (number == 3 and has_reserved_shaft)
