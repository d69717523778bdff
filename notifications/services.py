"""Writing notifications: the inbox rows in the caller's transaction, the mail after it commits.

`notifications_send` is what every notification goes through (the audit events, the daily
digest). Rows are written at once, so an event that rolls back leaves no notification and
no mail; the mail is queued with `transaction.on_commit(robust=True)`: a mail server that
fails is logged and retried by no one, but cannot undo the change nor hide the inbox row.
One message per recipient, so nobody sees another's address.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.deadlines import load_calendar
from cases.models import Case, CaseStatus, ProcedureStep, User
from cases.roles import SPEC_BY_GROUP
from cases.workflow import StepState
from documents.context import public_base_url

from .models import DigestRun, Notification, NotificationKind, NotificationPreference

logger = logging.getLogger(__name__)

NOTIFICATION_LANGUAGE = "zh-hans"
# A digest lists at most this many steps; the rest are counted (the queue lists them all).
DIGEST_MAX_LINES = 30


def _mail_for(user: User, *, title: str, body: str, link: str) -> mail.EmailMessage:
    lines = [body] if body else []
    if link:
        lines += ["", _("查看详情：%(url)s") % {"url": public_base_url() + link}]
    lines += ["", _("此邮件由泉州市既有住宅增设电梯服务平台自动发送，请勿回复。可在平台的“通知”页面关闭邮件提醒。")]
    return mail.EmailMessage(
        subject=_("【增设电梯】%(title)s") % {"title": title},
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def _send_mails(messages: list[mail.EmailMessage]) -> None:
    mail.mailers.default.send_messages(messages)


def notifications_send(
    *, users: Iterable[User], kind: str, title: str, body: str = "", link: str = "", case: Case | None = None
) -> list[Notification]:
    """One inbox row per user (each once), and a mail to those with an address and mail on."""
    users = list({u.pk: u for u in users}.values())
    if not users:
        return []
    with transaction.atomic():
        rows = Notification.objects.bulk_create(
            Notification(user=u, case=case, kind=kind, title=title[:200], body=body, link=link[:300]) for u in users
        )
        with_mail = [u for u in users if u.email]
        if with_mail:
            off = set(
                NotificationPreference.objects.filter(
                    user_id__in=[u.pk for u in with_mail], mail_enabled=False
                ).values_list("user_id", flat=True)
            )
            with translation.override(NOTIFICATION_LANGUAGE):
                messages = [_mail_for(u, title=title, body=body, link=link) for u in with_mail if u.pk not in off]
            if messages:
                transaction.on_commit(lambda: _send_mails(messages), robust=True)
    return rows


# --- the reader's side -----------------------------------------------------------------------


def notification_open(*, user: User, pk: int) -> Notification:
    """The user's own row, marked read (another user's row is a 404: it does not exist for them)."""
    with transaction.atomic():
        row = get_object_or_404(Notification.objects.filter(user=user), pk=pk)
        if row.read_at is None:
            row.read_at = timezone.now()
            Notification.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=row.read_at)
    return row


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_preference_set(*, user: User, mail_enabled: bool) -> NotificationPreference:
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.update_or_create(
            user=user, defaults={"mail_enabled": mail_enabled}
        )
    return preference


# --- the daily digest ------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestResult:
    ran: bool  # False: already ran today, or not a working day
    reason: str = ""  # "already", "not_working_day"
    steps: int = 0
    recipients: int = 0


def _due_line(step: ProcedureStep, *, left: int) -> str:
    if left > 0:
        when = _("还剩%(n)s个工作日") % {"n": left}
    elif left == 0:
        when = _("今天到期")
    else:
        when = _("已逾期%(n)s个工作日") % {"n": -left}
    return _("%(number)s %(unit)s %(procedure)s：办理时限%(due)s（%(when)s）") % {
        "number": step.case.number,
        "unit": step.case.unit,
        "procedure": step.procedure.name,
        "due": f"{step.due_date:%Y-%m-%d}",
        "when": when,
    }


def _digest_staff(by_office: dict[tuple[int, str], list]) -> dict[int, tuple[User, set[tuple[int, str]]]]:
    """The department staff of the offices with steps due: user → the (office, department)
    pairs they act for. One query."""
    if not by_office:
        return {}
    groups = [s.group_name for s in SPEC_BY_GROUP.values() if s.department and not s.city_wide]
    rows = (
        User.objects.filter(
            is_active=True, is_staff=True, jurisdiction_id__in={j for j, _d in by_office}, groups__name__in=groups
        )
        .annotate(group_name=F("groups__name"))
        .order_by("pk")
    )
    staff: dict[int, tuple[User, set[tuple[int, str]]]] = {}
    for user in rows:
        department = SPEC_BY_GROUP[user.group_name].department
        staff.setdefault(user.pk, (user, set()))[1].add((user.jurisdiction_id, department))
    return staff


def digest_send(*, today: datetime.date | None = None) -> DigestResult:
    """每日到期提醒: to each department's staff, the submitted steps of their office due within
    3 working days (or overdue), one notification each. Once per date however often it runs
    (DigestRun's date is unique); nothing on a day that is not a working day."""
    today = today or timezone.localdate()
    link = reverse("admin:cases_case_queue")  # 我的待办: the submitted steps, oldest first
    calendar = load_calendar()
    if not calendar.is_working_day(today):
        return DigestResult(ran=False, reason="not_working_day")
    horizon = calendar.add(today, 3).date
    steps = list(
        ProcedureStep.objects.filter(state=StepState.SUBMITTED, due_date__lte=horizon, case__status=CaseStatus.OPEN)
        .select_related("case__unit__building")
        .order_by("due_date", "case__number", "number")
    )
    by_office: dict[tuple[int, str], list[ProcedureStep]] = defaultdict(list)
    for step in steps:
        by_office[(step.case.jurisdiction_id, step.department)].append(step)
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = DigestRun.objects.create(date=today)
        except IntegrityError:
            return DigestResult(ran=False, reason="already")
        sent = 0
        for user, offices in _digest_staff(by_office).values():
            mine = sorted(
                (s for key in offices for s in by_office.get(key, [])),
                key=lambda s: (s.due_date, s.case.number, s.number),
            )
            if not mine:
                continue
            with translation.override(NOTIFICATION_LANGUAGE):
                lines = [_due_line(s, left=calendar.working_days_between(today, s.due_date)) for s in mine]
                if len(lines) > DIGEST_MAX_LINES:
                    rest = len(lines) - DIGEST_MAX_LINES
                    lines = lines[:DIGEST_MAX_LINES] + [_("……另有%(n)s件，见“我的待办”。") % {"n": rest}]
                title = _("%(date)s 即将到期的办理事项：%(n)s件") % {"date": f"{today:%Y-%m-%d}", "n": len(mine)}
            notifications_send(
                users=[user], kind=NotificationKind.DIGEST, title=title, body="\n".join(lines), link=link
            )
            sent += 1
        DigestRun.objects.filter(pk=run.pk).update(steps=len(steps), recipients=sent)
    return DigestResult(ran=True, steps=len(steps), recipients=sent)
