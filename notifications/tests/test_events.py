"""Each event tells whom it should, in the inbox at once and by mail after commit: the
department when a step is submitted to it, the applicant when it is decided, the unit's
owners when their vote opens and closes and when the notice is posted, the objector when
their objection is answered. A change that rolls back tells no one; mail off keeps the inbox."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cases import services as case_services
from cases.tests.factories import UserFactory, officer
from notices import services as notice_services
from notices import services_objections as objections
from notifications import services
from notifications.models import Notification, NotificationKind
from voting import services as vote_services

from .helpers import case_with_applicant, housing_officer, owner_user, step

pytestmark = pytest.mark.django_db


def rows_of(user, kind=None):
    rows = Notification.objects.filter(user=user)
    return list(rows.filter(kind=kind) if kind else rows)


def test_a_submitted_step_tells_its_department_in_the_office_and_mails_after_commit(
    django_capture_on_commit_callbacks,
):
    case, applicant = case_with_applicant()
    mine = housing_officer(case, email="zhujian@example.com")
    quiet = housing_officer(case, email="quiet@example.com")
    services.notification_preference_set(user=quiet, mail_enabled=False)
    elsewhere = UserFactory(with_role="district_officer", jurisdiction=officer("JJ").jurisdiction, email="jj@x.cn")
    other_department = UserFactory(with_role="planning_reviewer", jurisdiction=case.jurisdiction, email="zg@x.cn")
    with django_capture_on_commit_callbacks(execute=True):
        case_services.step_submit(step=step(case), actor=applicant)
    [row] = rows_of(mine, NotificationKind.STEP_SUBMITTED)
    assert case.number in row.title and "公示见证" in row.title
    assert "网上申报" in row.body and "办理时限" in row.body
    assert row.link == f"/admin/cases/case/{case.pk}/change/" and row.case == case and row.read_at is None
    assert rows_of(quiet, NotificationKind.STEP_SUBMITTED)  # the inbox stays with mail off
    assert not rows_of(elsewhere) and not rows_of(other_department)
    assert not rows_of(applicant, NotificationKind.STEP_SUBMITTED)  # not told of their own act
    assert [m.to for m in mail.outbox] == [["zhujian@example.com"]]
    message = mail.outbox[0]
    assert message.subject.startswith("【增设电梯】【待审查】") and case.number in message.subject
    assert f"/admin/cases/case/{case.pk}/change/" in message.body


def test_nothing_is_told_when_the_change_rolls_back(django_capture_on_commit_callbacks):
    case, applicant = case_with_applicant()
    mine = housing_officer(case, email="zhujian@example.com")

    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Abort), transaction.atomic():
            case_services.step_submit(step=step(case), actor=applicant)
            raise Abort
    assert not rows_of(mine) and mail.outbox == [] and callbacks == []
    assert step(case).state == "in_progress"


def test_the_mail_waits_for_the_commit(django_capture_on_commit_callbacks):
    case, applicant = case_with_applicant()
    housing_officer(case, email="zhujian@example.com")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_services.step_submit(step=step(case), actor=applicant)
    assert len(callbacks) == 1 and mail.outbox == []


def test_a_returned_step_tells_the_applicant_with_the_reasons(django_capture_on_commit_callbacks):
    case, applicant = case_with_applicant()
    clerk = housing_officer(case)
    case_services.step_submit(step=step(case), actor=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_decide_step(step=step(case), actor=clerk, decision="return", note="公示照片不清晰，请重拍。")
    [row] = rows_of(applicant, NotificationKind.STEP_RETURNED)
    assert row.title.startswith("【退回补正】") and "公示照片不清晰" in row.body and "重新申报" in row.body
    assert not rows_of(clerk, NotificationKind.STEP_RETURNED)
    assert [m.to for m in mail.outbox] == [["daijian@example.com"]] and "公示照片不清晰" in mail.outbox[0].body


def test_the_applicant_with_mail_off_keeps_the_inbox_row(django_capture_on_commit_callbacks):
    case, applicant = case_with_applicant()
    services.notification_preference_set(user=applicant, mail_enabled=False)
    clerk = housing_officer(case)
    case_services.step_submit(step=step(case), actor=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_decide_step(step=step(case), actor=clerk, decision="return", note="补正")
    assert rows_of(applicant, NotificationKind.STEP_RETURNED) and mail.outbox == []


def test_the_owners_hear_of_their_vote_opening_and_closing():
    from cases.tests.factories import open_case

    case = open_case()
    first, second = owner_user(case, 0), owner_user(case, 1)
    clerk = housing_officer(case)
    vote = vote_services.vote_open(case=case, actor=clerk)
    for user in (first, second):
        [row] = rows_of(user, NotificationKind.VOTE_OPENED)
        assert "表决已开始" in row.title and row.link == f"/owner/case/{case.pk}/vote/"
    assert not rows_of(clerk)
    vote_services.vote_close(vote=vote, actor=clerk)
    [row] = rows_of(first, NotificationKind.VOTE_CLOSED)
    assert "表决已结束" in row.title and "表决未通过" in row.body  # nobody voted


def test_a_disabled_owner_account_is_not_told():
    from cases.tests.factories import open_case

    case = open_case()
    user = owner_user(case, 0)
    user.is_active = False
    user.save(update_fields=["is_active"])
    vote_services.vote_open(case=case, actor=housing_officer(case))
    assert not rows_of(user)


def test_the_owners_hear_of_the_notice_and_the_objector_of_the_answer():
    case, _applicant = case_with_applicant()
    objector, neighbour = owner_user(case, 0), owner_user(case, 1)
    clerk = housing_officer(case)
    today = timezone.localdate()
    notice_services.notice_publish(
        case=case,
        actor=clerk,
        start=today,
        end=today + datetime.timedelta(days=case.jurisdiction.notice_days - 1),
        places=["unit", "board"],
    )
    for user in (objector, neighbour):
        [row] = rows_of(user, NotificationKind.NOTICE_PUBLISHED)
        assert "公示" in row.title and f"{today:%Y-%m-%d}" in row.body and row.link == f"/owner/case/{case.pk}/notice/"
    from cases.models import Owner

    owner = Owner.objects.get(person_id=objector.person_id, ownerships__flat__unit=case.unit)
    objection = objections.objection_submit_online(case=case, actor=objector, owner=owner, reasons="挡住采光")
    objections.objection_record_handling(objection=objection, actor=clerk, kind="contact", on=today, summary="电话沟通")
    objections.objection_close(
        objection=objection, actor=clerk, outcome="resolved", reasons="井道北移", reply_text="经协调，方案调整。"
    )
    [row] = rows_of(objector, NotificationKind.OBJECTION_ANSWERED)
    assert objection.number in row.title and "经协调解决" in row.body
    assert row.link == f"/owner/case/{case.pk}/objections/{objection.pk}/"
    assert not rows_of(neighbour, NotificationKind.OBJECTION_ANSWERED)
    # Nothing personal of the objector in what others are told, nor of anyone in the row.
    assert owner.id_number not in row.body and (not owner.phone or owner.phone not in row.body)
