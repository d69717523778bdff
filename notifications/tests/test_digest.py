"""The daily digest: the submitted steps due within 3 working days (or overdue), to the
department's staff of the case's office, once per date however often it runs; the working
days from the holiday calendar in the database (the 2026 Spring Festival and its make-up
Saturday); nothing on a day off."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from cases.models import ProcedureStep
from cases.tests.factories import UserFactory, jurisdiction
from demo.tests.factories import CaseFactory
from notifications import services
from notifications.models import DigestRun, Notification, NotificationKind

pytestmark = pytest.mark.django_db

D = datetime.date


def submitted_at_step4(due: datetime.date):
    """A case whose step 4 (drawing review, housing's) waits for review until `due`."""
    case = CaseFactory(at_step=4, state="submitted")
    ProcedureStep.objects.filter(case=case, number=4).update(due_date=due)  # the clock set for the test
    return case


def digests_of(user):
    return list(Notification.objects.filter(user=user, kind=NotificationKind.DIGEST))


def test_the_digest_lists_what_is_due_within_three_working_days_across_the_spring_festival(
    django_capture_on_commit_callbacks,
):
    # Friday 13 February 2026: the next working days are Saturday the 14th (调休 worked), then
    # Tuesday the 24th and Wednesday the 25th after the nine days off.
    today = D(2026, 2, 13)
    due_saturday = submitted_at_step4(D(2026, 2, 14))
    due_third = submitted_at_step4(D(2026, 2, 25))
    overdue = submitted_at_step4(D(2026, 2, 12))
    later = submitted_at_step4(D(2026, 2, 26))
    clerk = UserFactory(with_role="district_officer", jurisdiction=jurisdiction("FZ"), email="zhujian@example.com")
    planner = UserFactory(with_role="planning_reviewer", jurisdiction=jurisdiction("FZ"), email="zg@example.com")
    elsewhere = UserFactory(with_role="district_officer", jurisdiction=jurisdiction("JJ"), email="jj@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        result = services.digest_send(today=today)
    assert result.ran and result.steps == 3
    [row] = digests_of(clerk)
    assert "2026-02-13" in row.title and "3件" in row.title
    lines = row.body.splitlines()
    assert [line.split()[0] for line in lines] == [overdue.number, due_saturday.number, due_third.number]
    assert "已逾期1个工作日" in lines[0] and "还剩1个工作日" in lines[1] and "还剩3个工作日" in lines[2]
    assert later.number not in row.body
    assert row.link == "/admin/cases/case/queue/"
    assert not digests_of(planner) and not digests_of(elsewhere)
    assert ["zhujian@example.com"] in [m.to for m in mail.outbox]
    assert all(m.to != ["zg@example.com"] for m in mail.outbox)


def test_the_digest_runs_once_a_day_however_often_it_is_started(django_capture_on_commit_callbacks):
    today = D(2026, 12, 7)  # a Monday
    submitted_at_step4(D(2026, 12, 9))
    clerk = UserFactory(with_role="district_officer", jurisdiction=jurisdiction("FZ"), email="zhujian@example.com")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digest", "--date", "2026-12-07", stdout=out)
        call_command("send_digest", "--date", "2026-12-07", stdout=out)
    assert "已发送到期提醒：1个办理事项" in out.getvalue() and "已发送过" in out.getvalue()
    assert len(digests_of(clerk)) == 1 and len([m for m in mail.outbox if m.to == [clerk.email]]) == 1
    assert DigestRun.objects.get(date=today).steps == 1
    # The next day is another digest.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send(today=D(2026, 12, 8)).ran
    assert len(digests_of(clerk)) == 2


def test_no_digest_on_a_day_off_and_a_clear_message_for_a_bad_date():
    out = io.StringIO()
    call_command("send_digest", "--date", "2026-02-17", stdout=out)  # Spring Festival
    assert "不是工作日" in out.getvalue() and not DigestRun.objects.exists()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_digest", "--date", "2026-13-45")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_digest", "--date", "=1+1")


def test_a_day_with_nothing_due_is_still_the_day_s_run():
    result = services.digest_send(today=D(2026, 12, 7))
    assert result.ran and result.steps == 0 and not Notification.objects.filter(kind=NotificationKind.DIGEST)
    assert services.digest_send(today=D(2026, 12, 7)).reason == "already"
