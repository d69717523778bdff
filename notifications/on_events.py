"""What each named audit event tells whom: the one table from the portal's events to its
notifications, read by the receiver (notifications/receivers.py) when an event's row is saved.

Why the audit log and not a call in each service: every service already writes its named
event in its own transaction, with the case and the record it is about; reading that row
needs no change in the apps below, and no service can change a step without the department
or the applicant hearing of it, because none changes one without logging it. The rows are
written in the same transaction (a rolled-back change tells no one) and the mail goes after
commit (notifications.services).

Each handler gets the AuditEvent and sends through `notifications_send`; the texts are
written in Chinese, like the log. The actor is never told of their own action. `to` names
the recipients instead of those the event's rule finds (the demo data tells its accounts of
events logged before they existed: `tell_again`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditEvent
from cases.events import CaseEvent
from cases.models import ProcedureStep
from cases.workflow import Department
from notices.events import NoticeEvent
from notices.models import Objection
from voting.events import VoteEvent
from voting.models import Vote

from . import recipients
from .models import NotificationKind
from .services import NOTIFICATION_LANGUAGE, notifications_send


def staff_case_link(case) -> str:
    return reverse("admin:cases_case_change", args=[case.pk])


def _not_the_actor(users, event: AuditEvent):
    return users.exclude(pk=event.actor_id) if event.actor_id else users


def _step(event: AuditEvent) -> ProcedureStep:
    return ProcedureStep.objects.select_related("case__unit__building").get(pk=event.object_id)


def step_submitted(event: AuditEvent, *, to: list | None = None) -> None:
    """To the step's department in the case's office: a step waits for their review."""
    step = _step(event)
    case = step.case
    paper = bool(event.data.get("paper"))
    title = _("【待审查】%(number)s %(procedure)s") % {"number": case.number, "procedure": step.procedure.name}
    body = _("%(unit)s的“%(procedure)s”已%(how)s申报，等待%(department)s审查。") % {
        "unit": case.unit,
        "procedure": step.procedure.name,
        "how": _("窗口纸质") if paper else _("网上"),
        "department": Department(step.department).label,
    }
    if step.due_date:
        body += _("办理时限：%(due)s。") % {"due": f"{step.due_date:%Y-%m-%d}"}
    users = recipients.department_users(jurisdiction_id=case.jurisdiction_id, department=step.department)
    notifications_send(
        users=to if to is not None else _not_the_actor(users, event),
        kind=NotificationKind.STEP_SUBMITTED,
        title=title,
        body=body,
        link=staff_case_link(case),
        case=case,
    )


_DECISIONS = {
    "approve": (NotificationKind.STEP_APPROVED, gettext_lazy("审查通过")),
    "return": (NotificationKind.STEP_RETURNED, gettext_lazy("退回补正")),
    "reject": (NotificationKind.STEP_REJECTED, gettext_lazy("不予通过")),
}


def step_decided(event: AuditEvent, *, to: list | None = None) -> None:
    """To the applicant's side: their step was approved, returned for correction or rejected,
    with the department's reasons (which the case page shows them too)."""
    decision = event.data.get("decision")
    if decision not in _DECISIONS:
        return
    kind, label = _DECISIONS[decision]
    step = _step(event)
    case = step.case
    title = _("【%(decision)s】%(number)s %(procedure)s") % {
        "decision": label,
        "number": case.number,
        "procedure": step.procedure.name,
    }
    body = _("%(unit)s的“%(procedure)s”：%(decision)s。") % {
        "unit": case.unit,
        "procedure": step.procedure.name,
        "decision": label,
    }
    note = (event.data.get("note") or "").strip()
    if decision == "return":
        body += _("请按以下意见补正后重新申报。")
    if note:
        body += "\n" + _("审查意见：%(note)s") % {"note": note}
    notifications_send(
        users=to if to is not None else _not_the_actor(recipients.applicant_users(case=case), event),
        kind=kind,
        title=title,
        body=body,
        link=staff_case_link(case),
        case=case,
    )


def _vote(event: AuditEvent) -> Vote:
    return Vote.objects.select_related("case__unit__building").get(pk=event.object_id)


def vote_opened(event: AuditEvent, *, to: list | None = None) -> None:
    vote = _vote(event)
    case = vote.case
    body = _("%(unit)s增设电梯的业主表决已开始，请登录平台查看方案并表决。") % {"unit": case.unit}
    if vote.closes_at:
        body += _("表决截止：%(at)s。") % {"at": f"{timezone.localtime(vote.closes_at):%Y-%m-%d %H:%M}"}
    notifications_send(
        users=to if to is not None else recipients.unit_owner_users(case=case),
        kind=NotificationKind.VOTE_OPENED,
        title=_("业主表决已开始：%(unit)s") % {"unit": case.unit},
        body=body,
        link=reverse("owners:vote", args=[case.pk]),
        case=case,
    )


def vote_closed(event: AuditEvent, *, to: list | None = None) -> None:
    vote = _vote(event)
    case = vote.case
    verdict = _("表决通过") if vote.passed else _("表决未通过")
    notifications_send(
        users=to if to is not None else recipients.unit_owner_users(case=case),
        kind=NotificationKind.VOTE_CLOSED,
        title=_("业主表决已结束：%(unit)s") % {"unit": case.unit},
        body=_("%(unit)s增设电梯的业主表决已结束，%(verdict)s。") % {"unit": case.unit, "verdict": verdict},
        link=reverse("owners:case", args=[case.pk]),
        case=case,
    )


def notice_published(event: AuditEvent, *, to: list | None = None) -> None:
    case = event.case
    start, end = event.data.get("start", ""), event.data.get("end", "")
    notifications_send(
        users=to if to is not None else recipients.unit_owner_users(case=case),
        kind=NotificationKind.NOTICE_PUBLISHED,
        title=_("增设电梯公示已发布：%(unit)s") % {"unit": case.unit},
        body=_("公示期：%(start)s至%(end)s。如有异议，可在公示期内通过平台或到区住建部门提出。")
        % {"start": start, "end": end},
        link=reverse("owners:notice", args=[case.pk]),
        case=case,
    )


def objection_closed(event: AuditEvent, *, to: list | None = None) -> None:
    """To the objector only (their own accounts): the office has answered in writing."""
    objection = Objection.objects.select_related("owner", "notice__case").get(pk=event.object_id)
    case = objection.notice.case
    notifications_send(
        users=to if to is not None else recipients.person_users(person_id=objection.owner.person_id),
        kind=NotificationKind.OBJECTION_ANSWERED,
        title=_("您的异议%(number)s已答复") % {"number": objection.number},
        body=_("处理结果：%(outcome)s。书面答复可在平台查看和下载。") % {"outcome": objection.get_outcome_display()},
        link=reverse("owners:objection", args=[case.pk, objection.pk]),
        case=case,
    )


HANDLERS: dict[str, Callable[[AuditEvent], None]] = {
    CaseEvent.CASE_STEP_SUBMITTED: step_submitted,
    CaseEvent.CASE_STEP_DECIDED: step_decided,
    VoteEvent.VOTE_OPENED: vote_opened,
    VoteEvent.VOTE_CLOSED: vote_closed,
    NoticeEvent.NOTICE_PUBLISHED: notice_published,
    NoticeEvent.OBJECTION_CLOSED: objection_closed,
}


def tell_again(event: AuditEvent, *, to: list) -> None:
    """What `event` told, told (again) to `to` alone."""
    with translation.override(NOTIFICATION_LANGUAGE):
        HANDLERS[event.event](event, to=to)


def handle(event: AuditEvent) -> None:
    handler = HANDLERS.get(event.event)
    if handler is None:
        return
    with translation.override(NOTIFICATION_LANGUAGE):
        handler(event)
