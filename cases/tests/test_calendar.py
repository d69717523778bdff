"""Deadlines in Chinese working days that do not go stale (issue 16 §1): the holiday calendar
in the database, provisional (暂定) due dates for a year not yet published, the year's
schedule imported all or nothing, and every due date it moves recomputed."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import AuditEvent
from cases import calendar, deadlines
from cases.models import HolidayDay, HolidayYear, ProcedureStep, StepTimeLimit
from cases.workflow import StepState
from owners import timeline as owner_timeline

from .factories import UserFactory, jurisdiction, open_case, record_paper

pytestmark = pytest.mark.django_db

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")

# A 2027 schedule as the State Council might publish it (the real one is not out yet): New
# Year's Day on Friday 1 January, the Spring Festival from 6 to 14 February with Saturday
# 20 February worked.
SCHEDULE_2027 = """日期,类型,节日
2027-01-01,休,元旦
2027-02-06,休,春节
2027-02-07,休,春节
2027-02-08,休,春节
2027-02-09,休,春节
2027-02-10,休,春节
2027-02-11,休,春节
2027-02-12,休,春节
2027-02-13,休,春节
2027-02-14,休,春节
2027-02-20,班,春节
"""


def _write(tmp_path, text: str | bytes, name="2027.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return str(path)


def _command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _submitted_on(day: datetime.date, *, code="FZ") -> ProcedureStep:
    """Step 1 of a new case handed in on `day`, with the due date the services give it."""
    case = open_case(jurisdiction=jurisdiction(code))
    step = case.steps.get(number=1)
    record_paper(step)
    step.refresh_from_db()
    submitted = datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)
    due = deadlines.step_review_due(ProcedureStep(case=case, number=1, submitted_at=submitted)).date
    ProcedureStep.objects.filter(pk=step.pk).update(submitted_at=submitted, due_date=due)
    step.refresh_from_db()
    return step


# --- the calendar ------------------------------------------------------------------------------------


def test_the_calendar_was_seeded_from_chinese_calendar_for_the_years_it_knows():
    years = set(HolidayYear.objects.values_list("year", flat=True))
    assert set(range(2004, 2027)) <= years and 2027 not in years
    spring = HolidayDay.objects.filter(date__range=(D(2026, 2, 14), D(2026, 2, 28)))
    assert {(d.date.day, d.kind, d.name) for d in spring} == {
        (14, "work", "春节"),
        *((day, "off", "春节") for day in range(15, 24)),
        (28, "work", "春节"),
    }


def test_a_deadline_across_the_2026_spring_festival_skips_the_holiday_and_counts_its_make_up_days():
    # 2/14 (Saturday) and 2/28 (Saturday) are worked; 2/15–2/23 are the holiday.
    assert deadlines.is_working_day(D(2026, 2, 14)) and deadlines.is_working_day(D(2026, 2, 28))
    assert not any(deadlines.is_working_day(D(2026, 2, day)) for day in range(15, 24))
    assert deadlines.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)  # Friday → the Saturday worked
    assert deadlines.add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)  # 13, 14, then after the holiday
    assert deadlines.add_working_days(D(2026, 2, 27), 1) == D(2026, 2, 28)
    assert _command("due_date", "2026-02-12", "3") == "2026-02-24\n"
    # A step handed in on Thursday 12 February: five working days are 13, 14, 24, 25, 26.
    step = _submitted_on(D(2026, 2, 12))
    assert step.due_date == D(2026, 2, 26)
    assert deadlines.step_review_due(step) == deadlines.Due(D(2026, 2, 26), provisional=False)


def test_working_days_between_agrees_with_counting_day_by_day():
    cal = deadlines.load_calendar()
    start = D(2025, 12, 20)
    for end in (start + datetime.timedelta(days=n) for n in range(0, 420, 7)):
        by_day = sum(
            1 for n in range(1, (end - start).days + 1) if cal.is_working_day(start + datetime.timedelta(days=n))
        )
        assert cal.working_days_between(start, end) == by_day
        assert cal.working_days_between(end, start) == -by_day


def test_a_2027_due_date_is_provisional_until_the_2027_schedule_is_imported(tmp_path):
    assert _command("due_date", "2026-12-30", "3") == "2027-01-04 暂定\n"  # Monday to Friday
    out = _command("holidays", "import", _write(tmp_path, SCHEDULE_2027))
    assert "2027年" in out and "放假10天" in out and "调休上班1天" in out
    # 31 December, then 1 January is New Year's Day, then the weekend: 4 and 5 January.
    assert _command("due_date", "2026-12-30", "3") == "2027-01-05\n"
    assert _command("due_date", "2027-02-05", "1") == "2027-02-15\n"
    assert _command("due_date", "2027-02-19", "1") == "2027-02-20\n"  # the Saturday worked
    assert _command("due_date", "2027-12-30", "2") == "2028-01-03 暂定\n"  # 2028 not known yet
    event = AuditEvent.objects.get(event="holiday_calendar_set")
    assert event.data["year"] == 2027 and event.data["source"] == "file"


def test_the_import_recomputes_the_due_dates_it_moves_and_only_those(tmp_path):
    waiting = _submitted_on(D(2026, 12, 30))  # 31, 1, 4, 5, 6 January counted Monday to Friday
    assert waiting.due_date == D(2027, 1, 6)
    before_2027 = _submitted_on(D(2026, 12, 1))
    assert before_2027.due_date == D(2026, 12, 8)
    decided = _submitted_on(D(2026, 12, 29))
    ProcedureStep.objects.filter(pk=decided.pk).update(state=StepState.APPROVED)
    # The office's limit changes after the submission: the due date given stays 5 days.
    StepTimeLimit.objects.create(jurisdiction=waiting.case.jurisdiction, number=1, working_days=10)

    out = _command("holidays", "import", _write(tmp_path, SCHEDULE_2027))
    assert "重新计算了1个办理时限" in out

    waiting.refresh_from_db()
    assert waiting.due_date == D(2027, 1, 7)  # 1 January is a holiday: one day later
    before_2027.refresh_from_db()
    assert before_2027.due_date == D(2026, 12, 8)
    decided.refresh_from_db()
    assert decided.due_date == D(2027, 1, 5)  # history: a decided step's date is what it was


def test_the_case_list_and_case_page_mark_a_2027_due_date_provisional_until_imported(client, tmp_path):
    step = _submitted_on(D(2026, 12, 30))
    client.force_login(UserFactory(with_role="district_officer"))
    case_page = reverse("admin:cases_case_change", args=[step.case_id])
    listed = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert '2027-01-06 <span class="provisional"' in listed
    assert "暂定" in client.get(case_page).content.decode()
    assert "2027-01-06（暂定）" in client.get(reverse("admin:cases_case_queue")).content.decode()

    _command("holidays", "import", _write(tmp_path, SCHEDULE_2027))
    listed = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert "2027-01-07" in listed and 'class="provisional"' not in listed
    page = client.get(case_page).content.decode()
    assert "2027年1月7日" in page and 'class="provisional"' not in page


# --- the import, all or nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "文件为空"),
        ("日期,类型\n", "只有表头"),
        ("date,kind\n2027-01-01,休\n", "表头"),
        (SCHEDULE_2027 + "2027-02-30,休,春节\n", "第13行：日期“2027-02-30”无效"),
        (SCHEDULE_2027 + "2027/03/01,休,\n", "应写作 YYYY-MM-DD"),
        (SCHEDULE_2027 + "2027-03-01,放,\n", "只能是“休”（放假）或“班”（调休上班）"),
        (SCHEDULE_2027 + "2027-03-03,班,\n", "2027-03-03 是工作日"),
        (SCHEDULE_2027 + "2027-01-01,休,元旦\n", "与第2行重复"),
        (SCHEDULE_2027 + "2028-01-01,休,元旦\n", "2027年、2028年"),
        (SCHEDULE_2027 + '=HYPERLINK("http://x"),休,\n', "公式"),
        (SCHEDULE_2027 + "2027-03-06,休,@SUM(A1)\n", "公式"),
        (SCHEDULE_2027.encode("utf-16"), "UTF-16"),
        (b"\xff\xfe\xfa" * 10, "UTF-16"),
        (b"\x81\x30" * 10 + b"\xff", "无法识别文件编码"),
        (SCHEDULE_2027 + "2027-03-08,休,\n" * 70_000, "文件过大"),
        ("日期,类型\n" + "".join(f"2027-01-01,休,{n}\n" for n in range(500)), "不会超过 400 行"),
        ('日期,类型\n"2027-01-01,休\n', "休"),  # an unclosed quote: one odd cell, refused
    ],
)
def test_a_bad_file_names_the_problem_exits_non_zero_and_saves_nothing(tmp_path, content, message):
    waiting = _submitted_on(D(2026, 12, 30))
    with pytest.raises(CommandError) as refused:
        _command("holidays", "import", _write(tmp_path, content))
    assert message in str(refused.value)
    assert "未导入任何日期" in str(refused.value)
    assert not HolidayYear.objects.filter(year=2027).exists()
    assert not HolidayDay.objects.filter(date__year=2027).exists()
    waiting.refresh_from_db()
    assert waiting.due_date == D(2027, 1, 6)


def test_every_bad_row_is_named_at_once(tmp_path):
    text = SCHEDULE_2027 + "2027-13-01,休,\n2027-03-01,X,\n"
    with pytest.raises(CommandError) as refused:
        _command("holidays", "import", _write(tmp_path, text))
    assert "第13行" in str(refused.value) and "第14行" in str(refused.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_file_saved_as_utf8_with_or_without_bom_or_as_gbk_imports(tmp_path, encoding):
    _command("holidays", "import", _write(tmp_path, SCHEDULE_2027.encode(encoding)))
    assert HolidayDay.objects.get(date=D(2027, 2, 6)).name == "春节"


def test_importing_a_year_again_replaces_it_whole(tmp_path):
    _command("holidays", "import", _write(tmp_path, SCHEDULE_2027))
    corrected = SCHEDULE_2027.replace("2027-02-20,班,春节\n", "")
    out = _command("holidays", "import", _write(tmp_path, corrected, "fix.csv"))
    assert "调休上班0天" in out
    assert not HolidayDay.objects.filter(date=D(2027, 2, 20)).exists()
    assert HolidayDay.objects.filter(date__year=2027).count() == 10


@pytest.mark.parametrize(
    "args,message",
    [
        ((), "用法"),
        (("2026-02-12",), "用法"),
        (("2026-2-12", "3"), "格式不对"),
        (("2026-02-30", "3"), "不存在"),
        (("1900-01-01", "3"), "超出"),
        (("2026-02-12", "-1"), "整数"),
        (("2026-02-12", "3.5"), "整数"),
        (("2026-02-12", "三"), "整数"),
        (("2026-02-12", "99999999999999999999"), "过大"),
    ],
)
def test_due_date_refuses_bad_arguments_with_a_message(args, message):
    with pytest.raises(CommandError) as refused:
        _command("due_date", *args)
    assert message in str(refused.value)


def test_holidays_refuses_a_missing_file_and_an_unknown_action(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        _command("holidays", "import", str(tmp_path / "none.csv"))
    with pytest.raises(CommandError, match="文件夹"):
        _command("holidays", "import", str(tmp_path))
    with pytest.raises(CommandError, match="用法"):
        _command("holidays", "export")
    assert "2026" in _command("holidays", "list")


# --- time limits per step and office -------------------------------------------------------------


def test_an_offices_time_limit_for_a_step_sets_its_due_dates_and_no_other_offices():
    admin = UserFactory(is_superuser=True, is_staff=True)
    calendar.step_time_limit_set(jurisdiction=jurisdiction("FZ"), number=1, working_days=8, actor=admin)
    fz = _submitted_on(D(2026, 2, 12), code="FZ")
    lc = _submitted_on(D(2026, 2, 12), code="LC")
    assert fz.due_date == deadlines.add_working_days(D(2026, 2, 12), 8) == D(2026, 3, 2)  # 2/28 worked
    assert lc.due_date == D(2026, 2, 26)  # the default five
    assert AuditEvent.objects.filter(event="step_time_limit_set").count() == 1
    with pytest.raises(ValidationError):
        calendar.step_time_limit_set(jurisdiction=jurisdiction("FZ"), number=1, working_days=0, actor=admin)
    with pytest.raises(ValidationError):
        calendar.step_time_limit_set(jurisdiction=jurisdiction("FZ"), number=9, working_days=3, actor=admin)


# --- who may change the calendar ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["district_officer", "city_supervisor", "planning_reviewer"])
def test_staff_read_the_calendar_and_limits_but_only_a_superuser_changes_them(client, role):
    user = UserFactory(with_role=role)
    client.force_login(user)
    years = reverse("admin:cases_holidayyear_changelist")
    assert client.get(years).status_code == 200
    assert "2027年节假日安排尚未录入" in client.get(years).content.decode()
    assert client.get(reverse("admin:cases_holidayyear_change", args=[2026])).status_code == 200
    add = reverse("admin:cases_holidayyear_add")
    assert client.get(add).status_code == 403
    assert client.post(add, {"year": 2027, "schedule_text": SCHEDULE_2027}).status_code == 403
    assert not HolidayYear.objects.filter(year=2027).exists()
    assert client.get(reverse("admin:cases_steptimelimit_changelist")).status_code == 200
    limit_add = reverse("admin:cases_steptimelimit_add")
    posted = {"jurisdiction": jurisdiction("FZ").pk, "number": 1, "working_days": 3}
    assert client.post(limit_add, posted).status_code == 403
    assert not StepTimeLimit.objects.exists()
    schedule = calendar.parse_schedule(SCHEDULE_2027)
    with pytest.raises(PermissionDenied):
        calendar.holiday_year_replace(schedule=schedule, actor=user)
    with pytest.raises(PermissionDenied):
        calendar.step_time_limit_set(jurisdiction=jurisdiction("FZ"), number=1, working_days=3, actor=user)


def test_a_superuser_enters_a_year_in_the_admin_and_the_provisional_due_dates_follow(client):
    waiting = _submitted_on(D(2026, 12, 30))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    add = reverse("admin:cases_holidayyear_add")
    # A bad line: the form says which, and nothing is saved.
    page = client.post(add, {"year": 2027, "schedule_text": SCHEDULE_2027 + "2027-02-31,休,\n"})
    assert page.status_code == 200 and "第13行" in page.content.decode()
    assert not HolidayYear.objects.filter(year=2027).exists()
    page = client.post(add, {"year": 2028, "schedule_text": SCHEDULE_2027})
    assert "所填日期是2027年的" in page.content.decode()
    response = client.post(add, {"year": 2027, "schedule_text": SCHEDULE_2027}, follow=True)
    assert "已保存2027年节假日安排" in response.content.decode()
    assert HolidayYear.objects.get(year=2027).source == "admin"
    waiting.refresh_from_db()
    assert waiting.due_date == D(2027, 1, 7)
    # The year's page shows its dates for correction, and a correction replaces them whole.
    change = reverse("admin:cases_holidayyear_change", args=[2027])
    assert "2027-02-20,班,春节" in client.get(change).content.decode()
    client.post(change, {"schedule_text": SCHEDULE_2027.replace("2027-01-01,休,元旦\n", "")})
    waiting.refresh_from_db()
    assert waiting.due_date == D(2027, 1, 6)
    assert AuditEvent.objects.filter(event="holiday_calendar_set").count() == 2


def test_a_superuser_sets_a_limit_in_the_admin(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    posted = {"jurisdiction": jurisdiction("FZ").pk, "number": 4, "working_days": 15}
    response = client.post(reverse("admin:cases_steptimelimit_add"), posted)
    assert response.status_code == 302
    assert StepTimeLimit.objects.get(jurisdiction__code="FZ", number=4).working_days == 15
    bad = client.post(reverse("admin:cases_steptimelimit_add"), {**posted, "number": 5, "working_days": 61})
    assert bad.status_code == 200 and not StepTimeLimit.objects.filter(number=5).exists()


def test_the_owners_timeline_says_a_2027_due_date_is_provisional_until_imported(tmp_path):
    step = _submitted_on(D(2026, 12, 30))

    def lines():
        steps = list(step.case.steps.annotate(due_provisional=deadlines.provisional_due("due_date")))
        return owner_timeline.case_timeline(steps, today=D(2026, 12, 31))[0].lines

    assert "应在2027年1月6日前办完。" in lines() and any("暂定" in line for line in lines())
    _command("holidays", "import", _write(tmp_path, SCHEDULE_2027))
    assert "应在2027年1月7日前办完。" in lines() and not any("暂定" in line for line in lines())


def test_the_reminder_names_a_missing_year_from_two_months_before_it_begins():
    assert calendar.first_unknown_year(today=D(2026, 10, 1)) is None  # 2027 begins in three months
    assert calendar.first_unknown_year(today=D(2026, 11, 5)) == 2027
    assert calendar.first_unknown_year(today=D(2027, 6, 1)) == 2027


def test_the_step_page_shows_the_due_date_provisional_and_the_working_days_left(client, tmp_path):
    step = _submitted_on(D(2026, 12, 30))
    client.force_login(UserFactory(with_role="district_officer"))
    url = reverse("admin:cases_step_action", args=[step.case_id, 1, "approve"])
    page = client.get(url).content.decode()
    assert "2027年1月6日" in page and "暂定" in page
    _command("holidays", "import", _write(tmp_path, SCHEDULE_2027))
    page = client.get(url).content.decode()
    assert "2027年1月7日" in page and 'class="provisional"' not in page
