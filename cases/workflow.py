"""The eight procedures (申报程序) of the 2025 Quanzhou guidance, as one table.

Pure Python, no ORM: this module can be read and tested alone (labels shown on screen are
gettext_lazy strings, translated when displayed). The report names the
procedures and the five departments that issued the guidance (住建、资规、城管、市场
监管、公积金) but not who acts at each step; the assignment below is what a district
housing office would expect and is documented per step.

Three tables: PROCEDURES (each step and its own facts: papers, notice, skip rule),
TRANSITIONS (the moves of a step's state) and STEP_ACTIONS (what a user may do on a step:
from which states, who, its label and its form). Permissions, services, forms and views
read them; none restates a state or a label.
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
    """One procedure and the facts of its own: the papers it needs, whether it has a public
    notice, when it is skipped. Papers are AttachmentKind values (cases.models), named by
    their codes so this table stays free of the ORM."""

    number: int
    code: str
    name: str  # gettext_lazy: shown in the user's language
    department: Department
    note: str
    # The papers its submission must carry (uploaded on the step or brought to the window).
    submission_papers: tuple[str, ...] = ()
    # The papers that must be on the step before it is approved, and those needed only for
    # a building in a heritage area (文化遗产保护范围).
    approval_papers: tuple[str, ...] = ()
    heritage_papers: tuple[str, ...] = ()
    # What a window submission or an upload usually carries, preselected on its form.
    usual_papers: tuple[str, ...] = ("other",)
    # Whether the owners' vote decides the step: it is approved only on a passed, witnessed
    # vote (voting registers that check) over a complete motion (scheme summary and budget).
    decided_by_vote: bool = False
    # Whether the step runs a public notice, whose period the window records (设定公示期).
    has_notice: bool = False
    # Skipped (无需办理) when the building kept a reserved elevator shaft.
    skipped_with_reserved_shaft: bool = False


PROCEDURES: tuple[Procedure, ...] = (
    # The district housing bureau leads the joint preliminary review (others answer within
    # about five working days in practice), so housing decides. The owners' agreement and
    # the scheme drawing are what the application is; a building in a heritage area also
    # needs the heritage authority's opinion before the scheme is approved.
    Procedure(
        1,
        "scheme_review",
        _("方案初审"),
        Department.HOUSING,
        "申请、表决结果、设计方案、资金筹集方案、业主协议",
        submission_papers=("owners_agreement", "scheme_drawing"),
        approval_papers=("owners_agreement", "scheme_drawing"),
        heritage_papers=("heritage_opinion",),
        usual_papers=("owners_agreement", "scheme_drawing"),
        decided_by_vote=True,
    ),
    # Notice and witnessing are run by the office that received the application; the step
    # is approved only after the notice period, which lasts at least the jurisdiction's
    # minimum (Jurisdiction.notice_days), is over.
    Procedure(
        2, "public_notice", _("公示见证"), Department.HOUSING, "单元及小区公示、异议期、表决与协议见证", has_notice=True
    ),
    # The guidance: only a building without a reserved shaft needs planning review.
    Procedure(
        3,
        "planning_review",
        _("规划审查"),
        Department.PLANNING,
        "未预留电梯井的须办理；已预留的不需办理",
        usual_papers=("planning_permit",),
        skipped_with_reserved_shaft=True,
    ),
    # Construction-drawing review is supervised by the housing bureau.
    Procedure(
        4,
        "drawing_review",
        _("施工图设计、审查"),
        Department.HOUSING,
        "有资质单位设计并审查",
        usual_papers=("drawing_review",),
    ),
    # Site occupation, greening and similar simplified approvals sit with urban management.
    Procedure(5, "joint_approval", _("部门简化审批"), Department.URBAN, "相关部门联合简化审批"),
    # Shaft works are building works: housing's quality and safety supervision.
    Procedure(6, "shaft_supervision", _("井道施工监管"), Department.HOUSING, "井道施工现场监管记录"),
    Procedure(
        7,
        "shaft_acceptance",
        _("井道工程竣工验收"),
        Department.HOUSING,
        "竣工验收记录，15日内备案",
        usual_papers=("acceptance_record",),
    ),
    # Elevators are special equipment: installation notice and supervisory inspection go
    # to market supervision (Special Equipment Safety Law arts. 23 and 25).
    Procedure(
        8,
        "installation",
        _("电梯安装"),
        Department.MARKET,
        "有资质单位安装、特种设备监督检验",
        usual_papers=("inspection_certificate",),
    ),
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


@dataclass(frozen=True)
class Transition:
    """A move of a step's state. `start` and `skip` are the portal's own, made when the step
    before is done (`services._start_next_steps`); the others are made by a user's step
    action (STEP_ACTIONS)."""

    name: str
    label: str  # gettext_lazy: the move's name in the step's history
    sources: frozenset[StepState]
    target: StepState
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    # A step opens when every earlier step is approved or not required.
    Transition("start", _("开始办理"), frozenset({StepState.NOT_STARTED}), StepState.IN_PROGRESS),
    # Planning review is skipped when the building kept a reserved elevator shaft (the guidance:
    # only buildings without one need it); recorded, never silently absent.
    Transition("skip", _("无需办理"), frozenset({StepState.NOT_STARTED}), StepState.NOT_REQUIRED),
    # The applicant submits; a returned step is corrected and submitted again.
    Transition("submit", _("提交申报"), frozenset({StepState.IN_PROGRESS, StepState.RETURNED}), StepState.SUBMITTED),
    # Only a submitted step is decided, so a decision always refers to what was submitted.
    Transition("approve", _("审查通过"), frozenset({StepState.SUBMITTED}), StepState.APPROVED),
    # Returning keeps the case alive: the reasons tell the applicant what to correct.
    Transition("return", _("退回补正"), frozenset({StepState.SUBMITTED}), StepState.RETURNED, needs_reason=True),
    # Rejection ends the case; the reasons are the legal record of why.
    Transition("reject", _("不予通过"), frozenset({StepState.SUBMITTED}), StepState.REJECTED, needs_reason=True),
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


def step_required(number: int, *, has_reserved_shaft: bool) -> bool:
    return not (PROCEDURE_BY_NUMBER[number].skipped_with_reserved_shaft and has_reserved_shaft)


# --- What a user may do on a step ----------------------------------------------------------


class Actor(StrEnum):
    """Who takes a step action; `cases.permissions` says which users each one is."""

    APPLICANT = "applicant"  # the construction unit's own account: agent builder or owner representative
    WINDOW = "window"  # the receiving office (district housing) at the window, for what applicants bring
    DEPARTMENT = "department"  # a reviewer of the step's department in the case's jurisdiction


@dataclass(frozen=True)
class StepAction:
    """One thing a user may do on a step, declared once: the screens show its button to the
    users it names while the step is in one of its states, its page uses its form, and the
    service checks the same entry when the action is taken."""

    name: str
    label: str  # gettext_lazy: the button, the page's title and its confirmation
    actors: tuple[Actor, ...]  # any of them may take it (in this order of checking)
    form: str  # the key of its form in cases.forms.STEP_FORMS
    transition: str | None = None  # the move it makes (TRANSITIONS); None: the state stays
    states: frozenset[StepState] = frozenset()  # for an action without a move
    only_with_notice: bool = False  # only on a step with a public notice (Procedure.has_notice)

    @property
    def sources(self) -> frozenset[StepState]:
        """The step states it may be taken in: its move's sources, or its own."""
        return TRANSITION_BY_NAME[self.transition].sources if self.transition else self.states

    @property
    def needs_reason(self) -> bool:
        return self.transition is not None and TRANSITION_BY_NAME[self.transition].needs_reason

    def applies_to(self, number: int) -> bool:
        """Whether the action exists on this procedure at all."""
        return not self.only_with_notice or PROCEDURE_BY_NUMBER[number].has_notice


# While the step is open: waiting for the applicant or for the department's decision.
_OPEN_STATES = frozenset({StepState.IN_PROGRESS, StepState.RETURNED, StepState.SUBMITTED})

# The buttons follow this order.
STEP_ACTIONS: tuple[StepAction, ...] = (
    # The applicant submits online; a returned step is corrected and submitted again.
    StepAction("submit", _("网上申报"), (Actor.APPLICANT,), "note", transition="submit"),
    # Many applicants bring their papers: the office records them and the step counts as
    # submitted on paper.
    StepAction("paper", _("登记窗口收件"), (Actor.WINDOW,), "paper", transition="submit"),
    # The step's department decides what was submitted: approval opens the next step, a
    # return asks for a correction, a rejection ends the case; the last two give reasons.
    StepAction("approve", _("审查通过"), (Actor.DEPARTMENT,), "note", transition="approve"),
    StepAction("return", _("退回补正"), (Actor.DEPARTMENT,), "reason", transition="return"),
    StepAction("reject", _("不予通过"), (Actor.DEPARTMENT,), "reason", transition="reject"),
    # The notice period may be recorded or corrected until the step is decided.
    StepAction("notice", _("登记公示期"), (Actor.WINDOW,), "notice", states=_OPEN_STATES, only_with_notice=True),
    # Papers may be added by anyone working on the step until it is decided.
    StepAction(
        "upload", _("上传材料"), (Actor.APPLICANT, Actor.WINDOW, Actor.DEPARTMENT), "upload", states=_OPEN_STATES
    ),
)

STEP_ACTION_BY_NAME = {a.name: a for a in STEP_ACTIONS}
# The department's decisions on a submitted step.
DECISIONS = tuple(a.name for a in STEP_ACTIONS if a.actors == (Actor.DEPARTMENT,))


# --- Where a case stands ---------------------------------------------------------------------

# The states the step a case stands at may be in: waiting for the applicant, for the
# department, or for a correction; approved only as the last step (the case is completed),
# rejected where the rejection ended the case.
STANDING_STATES = frozenset(
    {StepState.IN_PROGRESS, StepState.SUBMITTED, StepState.RETURNED, StepState.APPROVED, StepState.REJECTED}
)


def step_states_at(
    number: int, state: str = StepState.IN_PROGRESS, *, has_reserved_shaft: bool
) -> dict[int, StepState]:
    """Each step's state when a case stands at step `number` in `state`, as the moves of the
    table leave it: every earlier step approved (planning review not required where the shaft
    is reserved), the later ones not started. A completed case stands at the last step,
    approved. The one description of "a case at step N" that the demo data, the tests'
    `CaseFactory(at_step=N)` and the benchmark generator follow."""
    state = StepState(state)
    if state not in STANDING_STATES:
        raise ValueError(f"a case does not stand at a step in state {state!r}")
    if number not in PROCEDURE_BY_NUMBER or not step_required(number, has_reserved_shaft=has_reserved_shaft):
        raise ValueError(f"a case never stands at step {number!r} (reserved shaft: {has_reserved_shaft})")
    if state == StepState.APPROVED and number != LAST_STEP:
        raise ValueError("an approved step opens the next one: only the last step stays approved")
    states = {}
    for procedure in PROCEDURES:
        n = procedure.number
        if n > number:
            states[n] = StepState.NOT_STARTED
        elif not step_required(n, has_reserved_shaft=has_reserved_shaft):
            states[n] = StepState.NOT_REQUIRED
        else:
            states[n] = state if n == number else StepState.APPROVED
    return states
