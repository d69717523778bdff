"""send_reminders: the warnings fire on schedule, each mailed once per due date after the
transaction commits, to the using unit's contact and the district's housing officers."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEvent
from cases.tests.factories import officer
from upkeep import services
from upkeep.models import ReminderSent

from .helpers import with_register

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=SHANGHAI), tick=False)


def _send(capture) -> str:
    with capture(execute=True):
        call_command("send_reminders", stdout=(out := _Out()))
    return out.text


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def _case_with_inspection(valid_until: datetime.date, today: datetime.date):
    with _at(today):
        case = with_register(first_used_on=today - datetime.timedelta(days=5))
        actor = officer(case.jurisdiction.code)
        actor.email = "zhujian@example.com"
        actor.save(update_fields=["email"])
        services.use_registration_record(case=case, actor=actor, registered_on=today, certificate="梯11闽C00512(26)")
        services.inspection_record(
            case=case,
            actor=actor,
            inspected_on=today - datetime.timedelta(days=5),
            result="passed",
            certificate_number="闽特检(2026)DT0512",
            valid_until=valid_until,
        )
    return case


def test_send_reminders_run_twice_sends_once(django_capture_on_commit_callbacks):
    today = datetime.date(2026, 6, 1)
    # The certificate runs out 2026-07-20: the request is due 2026-06-20, 19 days ahead.
    case = _case_with_inspection(datetime.date(2026, 7, 20), today)
    with _at(today):
        first = _send(django_capture_on_commit_callbacks)
        second = _send(django_capture_on_commit_callbacks)
    assert "已发送提醒 1 条" in first and "已发送提醒 0 条，此前已发送而跳过 1 条" in second
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["wuye@example.com", "zhujian@example.com"]
    assert case.number in message.subject
    # 2026-06-20 is a Saturday and 06-19 the Dragon Boat Festival: by Thursday 06-18.
    assert "请最迟于2026年6月18日" in message.body and "法定期限2026年6月20日为休息日" in message.body
    assert ReminderSent.objects.count() == 1
    assert AuditEvent.objects.filter(event="upkeep_reminder_sent", case=case).count() == 1


def test_the_warnings_fire_on_schedule_and_again_once_overdue(django_capture_on_commit_callbacks):
    start = datetime.date(2026, 3, 2)
    # Certificate runs out 2026-05-20: the request is due Wednesday 2026-04-20.
    _case_with_inspection(datetime.date(2026, 5, 20), start)
    with _at(datetime.date(2026, 3, 20)):  # 31 days before: quiet
        _send(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 0
    with _at(datetime.date(2026, 3, 21)):  # 30 days before: warned
        _send(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and "还有30天" in mail.outbox[0].body
    with _at(datetime.date(2026, 4, 20)):  # the day: already warned for this due date
        _send(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    with _at(datetime.date(2026, 4, 21)):  # overdue: warned again, once
        _send(django_capture_on_commit_callbacks)
        _send(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2 and "已逾期1天" in mail.outbox[1].body


def test_a_new_inspection_is_a_new_due_date_and_warned_afresh(django_capture_on_commit_callbacks):
    today = datetime.date(2026, 6, 1)
    case = _case_with_inspection(datetime.date(2026, 7, 20), today)
    with _at(today):
        _send(django_capture_on_commit_callbacks)
        services.inspection_record(
            case=case,
            actor=officer(case.jurisdiction.code),
            inspected_on=today,
            result="passed",
            certificate_number="闽特检(2026)DT0999",
            valid_until=datetime.date(2026, 7, 25),
        )
        _send(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_no_mail_when_the_transaction_does_not_commit(django_capture_on_commit_callbacks):
    today = datetime.date(2026, 6, 1)
    _case_with_inspection(datetime.date(2026, 7, 20), today)
    with _at(today), django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.reminders_send()
    assert len(callbacks) == 1 and len(mail.outbox) == 0


def test_a_bad_date_on_the_command_line_is_refused():
    with pytest.raises(CommandError, match="日期格式不正确"):
        call_command("send_reminders", "--date", "2026-13-45")


def test_unregistered_use_is_warned_within_30_days_of_first_use(django_capture_on_commit_callbacks):
    with _at(datetime.date(2026, 6, 10)):
        # First used 2026-05-10: registered by Tuesday 2026-06-09.
        with_register(first_used_on=datetime.date(2026, 5, 10))
        _send(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and "使用登记已逾期1天" in mail.outbox[0].body


def test_a_warning_with_no_one_to_mail_is_tried_again_once_someone_is(django_capture_on_commit_callbacks):
    with _at(datetime.date(2026, 6, 10)):
        case = with_register(first_used_on=datetime.date(2026, 5, 10), contact_email="")
        out = _send(django_capture_on_commit_callbacks)
        assert "另有 1 条没有收件人" in out and len(mail.outbox) == 0
        services.register_save(case=case, actor=officer(case.jurisdiction.code), contact_email="wuye@example.com")
        _send(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wuye@example.com"]
