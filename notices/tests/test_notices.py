"""The public notice of step 2 (issue 13 §1): publishing it for at least the jurisdiction's
period, the photos of it posted with their time taken, what is pointed out, and step 2's
approval waiting for the period's end."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from cases.services import StepGuardFailed, case_decide_step
from cases.tests.factories import officer, record_paper, reviewer_for
from demo.tests.factories import CaseFactory
from notices import services
from notices.checks import notice_approval_problems
from notices.models import NoticePlace, TakenAtSource

from .helpers import jpeg, png, png_claiming

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _publish(case, *, start=None, days=None, places=("unit", "board"), by=None):
    start = start or TODAY()
    days = days if days is not None else case.jurisdiction.notice_days
    return services.notice_publish(
        case=case,
        actor=by or officer(case.jurisdiction.code),
        start=start,
        end=start + datetime.timedelta(days=days - 1),
        places=places,
    )


def _step2(case):
    return case.steps.get(number=2)


def test_publishing_sets_the_steps_period_prints_the_notice_and_logs_it():
    case = CaseFactory(at_step=2)
    result = _publish(case, places=["board"])
    notice = result.notice
    step = _step2(case)
    # One source of truth: the step carries the dates, the notice reads them.
    assert (notice.start, notice.end) == (step.notice_start, step.notice_end)
    assert (step.notice_end - step.notice_start).days + 1 == case.jurisdiction.notice_days
    assert notice.document.template == "notice" and notice.document.case == case
    assert notice.places == [NoticePlace.BOARD, NoticePlace.ONLINE]  # online always: the portal shows it
    events = list(AuditEvent.objects.filter(case=case).values_list("event", flat=True))
    assert {"notice_period_set", "document_generated", "notice_published"} <= set(events)
    assert result.warnings == []


def test_a_period_shorter_than_the_jurisdictions_is_refused_and_nothing_is_kept():
    case = CaseFactory(at_step=2)
    with pytest.raises(ValidationError) as refused:
        _publish(case, days=case.jurisdiction.notice_days - 1)
    assert f"公示期不得少于{case.jurisdiction.notice_days}个日历日" in refused.value.messages[0]
    step = _step2(case)
    assert step.notice_end is None and not hasattr(case, "notice_cache")
    assert not case.generated_documents.filter(template="notice").exists()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (datetime.date(9999, 1, 1), datetime.date(9999, 1, 20), "超出合理范围"),
        (None, datetime.date(9999, 12, 31), "不得超过90个日历日"),
        (datetime.date(2020, 1, 1), datetime.date(2020, 1, 20), "不能早于本程序开始的日期"),
    ],
)
def test_dates_out_of_range_are_refused(start, end, message):
    case = CaseFactory(at_step=2)
    with pytest.raises(ValidationError) as refused:
        services.notice_publish(case=case, actor=officer(), start=start or TODAY(), end=end, places=["unit"])
    assert message in " ".join(refused.value.messages)


def test_a_place_must_be_named():
    case = CaseFactory(at_step=2)
    with pytest.raises(ValidationError, match="张贴的位置"):
        _publish(case, places=[])


def test_only_the_receiving_office_publishes():
    case = CaseFactory(at_step=2)
    for outsider in (officer("LC"), reviewer_for(case.steps.get(number=3)), officer(role="city_supervisor")):
        with pytest.raises(PermissionDenied):
            _publish(case, by=outsider)


# --- photos ------------------------------------------------------------------------------


def test_the_exif_time_taken_is_read_from_a_jpeg():
    case = CaseFactory(at_step=2)
    _publish(case)
    taken = timezone.make_aware(datetime.datetime.combine(TODAY(), datetime.time(9, 30, 5)))
    result = services.notice_photo_add(case=case, actor=officer(), upload=jpeg(taken=taken), taken_by="李明")
    photo = result.photo
    assert photo.taken_at == taken and photo.taken_at_source == TakenAtSource.EXIF
    assert photo.taken_by == "李明" and len(photo.sha256) == 64
    assert result.warnings == []
    assert AuditEvent.objects.filter(case=case, event="notice_photo_added").count() == 1


def test_a_photo_without_exif_is_dated_by_its_upload():
    case = CaseFactory(at_step=2)
    _publish(case)
    before = timezone.now()
    photo = services.notice_photo_add(case=case, actor=officer(), upload=png(), taken_by="李明").photo
    assert photo.taken_at_source == TakenAtSource.UPLOAD and photo.taken_at >= before


def test_a_photo_taken_outside_the_period_is_pointed_out():
    case = CaseFactory(at_step=2)
    _publish(case, start=TODAY() + datetime.timedelta(days=1))
    taken = timezone.make_aware(datetime.datetime.combine(TODAY(), datetime.time(8, 0)))
    result = services.notice_photo_add(case=case, actor=officer(), upload=jpeg(taken=taken), taken_by="李明")
    assert len(result.warnings) == 1 and "不在公示期" in result.warnings[0]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: __import__("cases.tests.factories").tests.factories.pdf_upload("照片.jpg"), "不是JPEG或PNG图片"),
        (lambda: png_claiming(30_000, 30_000), "像素过多"),  # beyond Pillow's own bomb limit
        (lambda: png_claiming(9_000, 8_000), "像素过多"),  # beyond ours (60 megapixels)
    ],
)
def test_hostile_uploads_are_refused_with_a_clear_message(upload, message):
    case = CaseFactory(at_step=2)
    _publish(case)
    with pytest.raises(ValidationError) as refused:
        services.notice_photo_add(case=case, actor=officer(), upload=upload(), taken_by="李明")
    assert message in refused.value.messages[0]
    assert not case.notice.photos.exists()


def test_a_huge_photo_is_refused(settings):
    settings.NOTICE_PHOTO_MAX_BYTES = 1024
    case = CaseFactory(at_step=2)
    _publish(case)
    with pytest.raises(ValidationError, match="超过0 MB的上限|上限"):
        services.notice_photo_add(case=case, actor=officer(), upload=jpeg(size=(400, 400)), taken_by="李明")


# --- taking it down, and step 2's approval -------------------------------------------------------


def test_an_early_take_down_is_pointed_out_and_blocks_approval_until_published_again():
    case = CaseFactory(at_step=2, notice="over")
    step = _step2(case)
    notice = _publish(case, start=step.notice_start).notice
    early = notice.end - datetime.timedelta(days=3)
    with pytest.raises(ValidationError, match="须写明原因"):
        services.notice_take_down(case=case, actor=officer(), on=early)
    result = services.notice_take_down(case=case, actor=officer(), on=early, reason="被风吹落")
    assert "提前撤下" in result.warnings[0] and "被风吹落" in result.warnings[0]
    record_paper(step)
    step.refresh_from_db()
    with pytest.raises(StepGuardFailed) as refused:
        case_decide_step(step=step, actor=reviewer_for(step), decision="approve")
    assert any("重新发布公示" in p for p in refused.value.problems)


def test_step_two_waits_for_the_end_of_the_notice():
    case = CaseFactory(at_step=2)
    notice = _publish(case).notice
    step = _step2(case)
    record_paper(step)
    step.refresh_from_db()
    with pytest.raises(StepGuardFailed) as refused:
        case_decide_step(step=step, actor=reviewer_for(step), decision="approve")
    end = f"{notice.end.year}年{notice.end.month}月{notice.end.day}日"
    assert any(end in p and "方可通过" in p for p in refused.value.problems), refused.value.problems


def test_step_two_is_approved_once_the_notice_is_over():
    case = CaseFactory(at_step=2, notice="over")
    step = _step2(case)
    _publish(case, start=step.notice_start)
    assert list(notice_approval_problems(step=_step2(case))) == []
    record_paper(step)
    step.refresh_from_db()
    case_decide_step(step=step, actor=reviewer_for(step), decision="approve")
    step.refresh_from_db()
    assert step.state == "approved"


def test_without_a_period_approval_says_so():
    case = CaseFactory(at_step=2)
    assert list(notice_approval_problems(step=_step2(case))) == ["尚未登记公示期：请先发布公示。"]


def test_a_take_down_after_the_period_is_recorded_without_a_warning():
    case = CaseFactory(at_step=2, notice="over")
    step = _step2(case)
    notice = _publish(case, start=step.notice_start).notice
    result = services.notice_take_down(case=case, actor=officer(), on=notice.end + datetime.timedelta(days=1))
    assert result.warnings == [] and not result.notice.taken_down_early
    assert list(notice_approval_problems(step=_step2(case))) == []
    with pytest.raises(ValidationError, match="不能重复登记"):
        services.notice_take_down(case=case, actor=officer(), on=notice.end + datetime.timedelta(days=1))
