"""The eight procedures as an owner reads them (我的加梯): done / now / next, with dates, in
plain words, and what the owners are asked to do now.

The staff pages speak the workflow's language (待申报, 待审查, 退回补正); most owners are
elderly and meet these words for the first time, so each procedure gets one plain line of
what happens in it, and each state a plain phrase. No ORM here: the view reads the case's
steps and the facts about the owner, this module only words them, so it can be read and
tested alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.workflow import PROCEDURE_BY_NUMBER, PROCEDURES, StepState

# One plain line per procedure (cases.workflow.PROCEDURES): what happens in it, for an owner.
PLAIN_DESCRIPTIONS = {
    1: gettext_lazy("区住建部门审核加梯方案、业主表决结果和协议"),
    2: gettext_lazy("在单元和小区张贴公示，大家可以提意见；表决和协议经社区等单位见证"),
    3: gettext_lazy("没有预留电梯井的楼，由规划部门审查电梯加在哪里"),
    4: gettext_lazy("有资质的设计单位画施工图，再请审图机构审查"),
    5: gettext_lazy("城管等相关部门一起办理简化的审批手续"),
    6: gettext_lazy("施工单位建电梯井道，住建部门到现场检查"),
    7: gettext_lazy("井道建好后检查验收，合格后备案"),
    8: gettext_lazy("有资质的公司安装电梯，经特种设备检验合格后才能使用"),
}
assert set(PLAIN_DESCRIPTIONS) == {p.number for p in PROCEDURES}


class Phase(StrEnum):
    """Where a procedure stands for the owner: the timeline's three groups (and two ends)."""

    DONE = "done"
    NOW = "now"
    NEXT = "next"
    NOT_REQUIRED = "not_required"
    STOPPED = "stopped"  # not approved: the case ended here


PHASE_LABELS = {
    Phase.DONE: gettext_lazy("已完成"),
    Phase.NOW: gettext_lazy("正在办理"),
    Phase.NEXT: gettext_lazy("还没开始"),
    Phase.NOT_REQUIRED: gettext_lazy("不需要办理"),
    Phase.STOPPED: gettext_lazy("未获通过"),
}

_PHASE_OF_STATE = {
    StepState.APPROVED: Phase.DONE,
    StepState.NOT_REQUIRED: Phase.NOT_REQUIRED,
    StepState.IN_PROGRESS: Phase.NOW,
    StepState.SUBMITTED: Phase.NOW,
    StepState.RETURNED: Phase.NOW,
    StepState.REJECTED: Phase.STOPPED,
    StepState.NOT_STARTED: Phase.NEXT,
}


def cn_date(value) -> str:
    """2026年11月25日 (Asia/Shanghai), as owners read dates on paper."""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return _("%(y)s年%(m)s月%(d)s日") % {"y": value.year, "m": value.month, "d": value.day}


def cn_datetime(value: datetime.datetime) -> str:
    local = timezone.localtime(value)
    return _("%(date)s %(time)s") % {"date": cn_date(local), "time": f"{local:%H:%M}"}


@dataclass(frozen=True)
class Entry:
    """One procedure on the owner's timeline."""

    number: int
    name: str
    description: str
    phase: Phase
    lines: tuple[str, ...] = ()  # dates and what is going on, one short sentence each

    @property
    def phase_label(self) -> str:
        return str(PHASE_LABELS[self.phase])


def _notice_lines(step, today: datetime.date) -> list[str]:
    if not (step.notice_start and step.notice_end):
        return []
    span = _("公示期：%(start)s至%(end)s") % {"start": cn_date(step.notice_start), "end": cn_date(step.notice_end)}
    if today < step.notice_start:
        return [span, _("公示还没开始。")]
    if today <= step.notice_end:
        return [span, _("公示正在进行，如有意见请在公示期内书面提出。")]
    return [span, _("公示已结束。")]


def _lines(step, phase: Phase, today: datetime.date) -> list[str]:
    state = StepState(step.state)
    lines: list[str] = []
    if state == StepState.APPROVED and step.decided_at:
        lines.append(_("%(date)s办完") % {"date": cn_date(step.decided_at)})
    elif state == StepState.NOT_REQUIRED:
        if PROCEDURE_BY_NUMBER[step.number].skipped_with_reserved_shaft:
            lines.append(_("本楼已预留电梯井，不需要办理这一步。"))
        else:
            lines.append(_("这一步不需要办理。"))
    elif state == StepState.IN_PROGRESS:
        if step.started_at:
            lines.append(_("%(date)s开始") % {"date": cn_date(step.started_at)})
        if not (PROCEDURE_BY_NUMBER[step.number].has_notice and step.notice_start):
            # During a notice what matters to owners is the notice, said below.
            lines.append(_("等待申请人递交材料。"))
    elif state == StepState.SUBMITTED:
        if step.submitted_at:
            lines.append(_("%(date)s递交材料") % {"date": cn_date(step.submitted_at)})
        lines.append(_("材料已递交，等待%(department)s审核。") % {"department": step.get_department_display()})
        if step.due_date:
            lines.append(_("应在%(date)s前办完。") % {"date": cn_date(step.due_date)})
            if getattr(step, "due_provisional", False):
                # Counted Monday to Friday: the year's holidays are not published yet.
                lines.append(_("（此日期暂定：该年节假日安排公布后会重新计算。）"))
    elif state == StepState.RETURNED:
        if step.decided_at:
            lines.append(_("%(date)s退回") % {"date": cn_date(step.decided_at)})
        lines.append(_("材料需要补充修改，申请人正在补正后重新递交。"))
    elif state == StepState.REJECTED:
        if step.decided_at:
            lines.append(_("%(date)s决定不予通过") % {"date": cn_date(step.decided_at)})
        if step.decision_note:
            lines.append(_("原因：%(note)s") % {"note": step.decision_note})
    if PROCEDURE_BY_NUMBER[step.number].has_notice and phase != Phase.NEXT:
        lines.extend(_notice_lines(step, today))
    return lines


def case_timeline(steps, *, today: datetime.date | None = None) -> list[Entry]:
    """The eight procedures in order, each with its phase and plain lines. `steps`: the
    case's ProcedureStep rows (any order); a procedure without a row is still to come."""
    today = today or timezone.localdate()
    by_number = {s.number: s for s in steps}
    entries = []
    for procedure in PROCEDURES:
        step = by_number.get(procedure.number)
        phase = _PHASE_OF_STATE[StepState(step.state)] if step is not None else Phase.NEXT
        entries.append(
            Entry(
                number=procedure.number,
                name=str(procedure.name),
                description=str(PLAIN_DESCRIPTIONS[procedure.number]),
                phase=phase,
                lines=tuple(_lines(step, phase, today)) if step is not None else (),
            )
        )
    return entries


def notice_running(steps, *, today: datetime.date | None = None) -> datetime.date | None:
    """The last day of the public notice when it is under way today (公示期内), else None."""
    today = today or timezone.localdate()
    for step in steps:
        if (
            PROCEDURE_BY_NUMBER[step.number].has_notice
            and step.notice_start
            and step.notice_end
            and step.notice_start <= today <= step.notice_end
        ):
            return step.notice_end
    return None


def status_in_plain_words(case) -> str:
    """The case's state in one sentence an owner understands."""
    status = case.status
    if status == "completed":
        return _("已全部办完，电梯已安装验收。")
    if status == "rejected":
        return _("未获通过，本次申请已结束。")
    if status == "withdrawn":
        return _("申请已撤回。")
    procedure = PROCEDURE_BY_NUMBER[case.current_step]
    return _("正在办理第%(number)s步（共8步）：%(name)s") % {"number": procedure.number, "name": procedure.name}


# --- what the owners are asked to do now ---------------------------------------------------


class TaskKind(StrEnum):
    VOTE = "vote"  # 参加表决
    SIGN = "sign"  # 确认签署协议
    NOTICE = "notice"  # 留意公示


@dataclass(frozen=True)
class Task:
    kind: TaskKind
    title: str
    text: str


@dataclass(frozen=True)
class OwnerFacts:
    """What the view found about this owner and case (the reads are the view's)."""

    case_open: bool
    vote_open: bool = False
    vote_closes_at: datetime.datetime | None = None
    has_voted: bool = False
    agreement_exists: bool = False
    has_signed: bool = False
    notice_ends: datetime.date | None = None
    office: str = ""


def tasks_for(facts: OwnerFacts) -> list[Task]:
    """现在需要您做的事: at most the three things the process asks of an owner, in the order
    they usually come; nothing once the case is over."""
    if not facts.case_open:
        return []
    tasks = []
    if facts.vote_open and not facts.has_voted:
        if facts.vote_closes_at:
            text = _("本单元业主正在表决是否加装电梯，请在%(when)s前表决。") % {
                "when": cn_datetime(facts.vote_closes_at)
            }
        else:
            text = _("本单元业主正在表决是否加装电梯，请您表决。")
        tasks.append(Task(TaskKind.VOTE, _("参加表决"), text))
    if facts.agreement_exists and not facts.has_signed:
        tasks.append(
            Task(
                TaskKind.SIGN,
                _("确认签署协议"),
                _("请阅读《增设电梯协议书》和您家应出的费用，同意后确认签署。"),
            )
        )
    if facts.notice_ends:
        tasks.append(
            Task(
                TaskKind.NOTICE,
                _("留意公示"),
                _("公示到%(end)s。如有意见，请在公示期内书面向%(office)s提出。")
                % {"end": cn_date(facts.notice_ends), "office": facts.office or _("区住建部门")},
            )
        )
    return tasks
