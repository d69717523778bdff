"""Dates a user enters stay within a sensible range (issue 9 §5): a typed year 0001 or 9999
is refused with a message naming the field, never stored to break the case later."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services, validators
from cases.forms import NoticeForm, PaperSubmissionForm
from cases.models import PaperSubmission
from demo.tests.factories import CaseFactory

from .factories import officer, open_case

pytestmark = pytest.mark.django_db


def _step(case, number):
    return case.steps.get(number=number)


def _case_at_step_two():
    return CaseFactory(at_step=2)


# --- the shared validator -----------------------------------------------------------------


def test_the_shared_validator_names_the_field_and_the_range():
    validators.validate_date_in_range(timezone.localdate(), what="签署日期")
    for typo in (datetime.date(1, 1, 1), datetime.date(1999, 12, 31), datetime.date(9999, 12, 31)):
        with pytest.raises(ValidationError) as err:
            validators.validate_date_in_range(typo, what="签署日期")
        assert "签署日期" in err.value.messages[0] and "2000年1月1日" in err.value.messages[0]


def test_a_moment_that_happened_may_not_lie_in_the_future_beyond_clock_skew(settings):
    settings.CLOCK_SKEW_SECONDS = 300
    now = timezone.now()
    validators.validate_past_moment(now + datetime.timedelta(seconds=200), what="递交时间")
    with pytest.raises(ValidationError) as err:
        validators.validate_past_moment(now + datetime.timedelta(minutes=10), what="递交时间")
    assert "递交时间不能晚于现在" in err.value.messages[0]
    year_one = timezone.make_aware(datetime.datetime(1, 1, 1, 0, 0))
    with pytest.raises(ValidationError) as err:
        validators.validate_past_moment(year_one, what="递交时间")
    assert "超出合理范围" in err.value.messages[0]


# --- the notice period (step 2) -------------------------------------------------------------


def test_a_notice_ending_in_year_9999_is_refused_and_step_two_goes_on():
    case = _case_at_step_two()
    step2 = _step(case, 2)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as err:
        services.step_set_notice_period(step=step2, actor=officer(), start=today, end=datetime.date(9999, 12, 31))
    assert "公示期不得超过90个日历日" in err.value.messages[0]
    step2.refresh_from_db()
    assert step2.notice_end is None
    # What used to raise OverflowError from here on still works.
    services.step_set_notice_period(step=step2, actor=officer(), start=today, end=today + datetime.timedelta(days=9))
    services.step_submit(step=step2, actor=None)
    assert services.step_guard_problems(step=_step(case, 2))


def test_the_longest_notice_is_a_setting(settings):
    settings.NOTICE_MAX_DAYS = 30
    case = _case_at_step_two()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as err:
        services.step_set_notice_period(
            step=_step(case, 2), actor=officer(), start=today, end=today + datetime.timedelta(days=30)
        )
    assert "30个日历日" in err.value.messages[0]


def test_a_notice_starting_years_ahead_is_refused():
    case = _case_at_step_two()
    start = datetime.date(9999, 12, 1)
    with pytest.raises(ValidationError) as err:
        services.step_set_notice_period(
            step=_step(case, 2), actor=officer(), start=start, end=datetime.date(9999, 12, 31)
        )
    assert "公示开始日期“9999-12-01”超出合理范围" in err.value.messages[0]


def test_the_notice_form_puts_the_message_next_to_the_field():
    form = NoticeForm({"notice_start": "2026-12-01", "notice_end": "9999-12-31"})
    assert not form.is_valid()
    assert "公示期不得超过" in form.errors["notice_end"][0]
    form = NoticeForm({"notice_start": "0001-01-01", "notice_end": "0001-01-20"})
    assert not form.is_valid()
    assert "超出合理范围" in form.errors["notice_start"][0]


# --- window submissions ----------------------------------------------------------------------


def test_a_window_submission_dated_year_one_is_refused_and_nothing_is_saved():
    case = open_case()
    step1 = _step(case, 1)
    year_one = timezone.make_aware(datetime.datetime(1, 1, 1, 0, 0))
    with pytest.raises(ValidationError) as err:
        services.paper_submission_record(step=step1, actor=officer(), brought_by="业主代表", brought_at=year_one)
    assert "递交时间" in err.value.messages[0]
    assert not PaperSubmission.objects.exists()
    step1.refresh_from_db()
    assert step1.state == "in_progress"


def test_the_paper_form_refuses_year_one_and_a_time_far_ahead():
    base = {"brought_by": "业主代表", "kind_1": "other", "kind_2": "other", "kind_3": "other"}
    form = PaperSubmissionForm({**base, "brought_at": "0001-01-01T00:00"})
    assert not form.is_valid()
    assert "超出合理范围" in form.errors["brought_at"][0]
    ahead = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    form = PaperSubmissionForm({**base, "brought_at": ahead})
    assert not form.is_valid()
    assert "不能晚于现在" in form.errors["brought_at"][0]


def test_the_case_page_stays_up_after_a_year_one_window_submission_is_tried(client):
    case = open_case()
    user = officer()
    client.force_login(user)
    url = reverse("admin:cases_step_action", args=[case.pk, 1, "paper"])
    response = client.post(
        url,
        {
            "brought_by": "业主代表",
            "brought_at": "0001-01-01T00:00",
            "kind_1": "other",
            "kind_2": "other",
            "kind_3": "other",
        },
    )
    assert response.status_code == 200
    assert "超出合理范围" in response.content.decode()
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200
