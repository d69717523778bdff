"""Keeping the holiday calendar and the steps' time limits (issue 16 §1): the writes.

A year's schedule (国务院办公厅关于部分节假日安排的通知) arrives once a year, in October to
December for the next year. An administrator enters it in the admin (pasted lines or a
file) or with `manage.py holidays import FILE.csv`; both read the same two columns —
日期 (YYYY-MM-DD) and 类型 (休 or 班), optionally 节日 — through `parse_schedule`, and save
through `holiday_year_replace`: the whole year at once, all or nothing, and every submitted
step whose due date the change can move is recomputed in the same transaction.

Only superusers change the calendar: it is the State Council's, one for the 13 offices, and
an office getting it wrong would move the other offices' deadlines. The time limits are
per office; they too are set by a superuser (the city bureau keeps them in line with the
published service commitments), and apply to submissions from then on.
"""

import codecs
import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .deadlines import load_calendar, review_begin, shift_of
from .models import Case, HolidayDay, HolidayKind, HolidayYear, Jurisdiction, ProcedureStep, StepTimeLimit
from .workflow import PROCEDURE_BY_NUMBER, StepState

# A year has at most 366 dates; a schedule lists about 40. Anything far larger is not one.
SCHEDULE_MAX_BYTES = 64 * 1024
SCHEDULE_MAX_ROWS = 400
KIND_BY_TEXT = {"休": HolidayKind.OFF, "班": HolidayKind.WORK}
DATE_HEADER, KIND_HEADER, NAME_HEADER = "日期", "类型", "节日"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class ScheduleDay:
    date: datetime.date
    kind: str  # HolidayKind
    name: str = ""


@dataclass(frozen=True)
class Schedule:
    year: int
    days: tuple[ScheduleDay, ...]


def can_change_calendar(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


# --- reading a schedule --------------------------------------------------------------------------


def decode_schedule(data: bytes) -> str:
    """The file's text: UTF-8 with or without a BOM (what most tools write), else GB18030 —
    of which GBK, what Excel on a Chinese Windows writes as "CSV", is a subset. UTF-16 and
    other encodings are refused by name rather than read as mojibake."""
    if len(data) > SCHEDULE_MAX_BYTES:
        raise ValidationError(
            _("文件过大（%(size)s KB）：一年的节假日安排不超过 %(max)s KB，请检查是否选错了文件。")
            % {"size": len(data) // 1024, "max": SCHEDULE_MAX_BYTES // 1024}
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        raise ValidationError(_("文件编码为 UTF-16 或含有二进制内容：请另存为“CSV UTF-8（逗号分隔）”后再导入。"))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationError(_("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV 文件后再导入。")) from None


def parse_schedule(text: str) -> Schedule:
    """One year's schedule from CSV text with a header row 日期,类型[,节日]. Every problem is
    named with its row; nothing is returned unless every row is right."""
    if not text.strip():
        raise ValidationError(_("文件为空：请提供含“日期”“类型”两列的节假日安排。"))
    try:
        records = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise ValidationError(_("文件不是有效的 CSV：%(error)s") % {"error": exc}) from None
    if not records:
        raise ValidationError(_("文件为空：请提供含“日期”“类型”两列的节假日安排。"))
    header = [cell.strip() for cell in records[0]]
    if DATE_HEADER not in header or KIND_HEADER not in header:
        raise ValidationError(
            _("第1行应为表头，含“日期”和“类型”两列（现为：%(header)s）。") % {"header": "、".join(header)[:100] or "空"}
        )
    date_col, kind_col = header.index(DATE_HEADER), header.index(KIND_HEADER)
    name_col = header.index(NAME_HEADER) if NAME_HEADER in header else None
    rows = records[1:]
    if not rows:
        raise ValidationError(_("文件只有表头，没有日期。"))
    if len(rows) > SCHEDULE_MAX_ROWS:
        raise ValidationError(
            _("文件有 %(count)s 行，一年的节假日安排不会超过 %(max)s 行。")
            % {"count": len(rows), "max": SCHEDULE_MAX_ROWS}
        )
    problems, days, seen = [], [], {}
    for line, row in enumerate(rows, start=2):
        cells = [cell.strip() for cell in row]
        raw_date, raw_kind, name = (_cell(cells, date_col), _cell(cells, kind_col), _cell(cells, name_col))
        if any(value.startswith(_FORMULA_START) for value in (raw_date, raw_kind, name) if value):
            problems.append(_("第%(line)s行：单元格以 = + - @ 开头（公式），不予导入。") % {"line": line})
            continue
        day = _parse_date(raw_date)
        if day is None:
            problems.append(
                _("第%(line)s行：日期“%(value)s”无效，应写作 YYYY-MM-DD（如 2027-02-06）。")
                % {"line": line, "value": raw_date[:20]}
            )
            continue
        kind = KIND_BY_TEXT.get(raw_kind)
        if kind is None:
            problems.append(
                _("第%(line)s行：类型“%(value)s”无效，只能是“休”（放假）或“班”（调休上班）。")
                % {"line": line, "value": raw_kind[:20]}
            )
            continue
        if kind == HolidayKind.WORK and day.weekday() < 5:
            problems.append(
                _("第%(line)s行：%(date)s 是工作日（周一至周五），不能标为“班”（调休上班只在周末）。")
                % {"line": line, "date": day.isoformat()}
            )
            continue
        if day in seen:
            problems.append(
                _("第%(line)s行：日期 %(date)s 与第%(first)s行重复。")
                % {"line": line, "date": day.isoformat(), "first": seen[day]}
            )
            continue
        if len(name) > 32:
            problems.append(_("第%(line)s行：节日名称过长（不超过32个字）。") % {"line": line})
            continue
        seen[day] = line
        days.append(ScheduleDay(day, kind, name))
    years = sorted({day.date.year for day in days})
    if len(years) > 1:
        problems.append(
            _("一个文件只能是一年的安排，此文件含有：%(years)s。请按年份分开导入。")
            % {"years": "、".join(f"{year}年" for year in years)}
        )
    if problems:
        raise ValidationError(problems)
    return Schedule(years[0], tuple(sorted(days, key=lambda d: d.date)))


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _parse_date(value: str) -> datetime.date | None:
    if not _DATE.match(value):
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return day if 1990 <= day.year <= 2200 else None


# --- writing it ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarChange:
    year: int
    holidays: int
    workdays: int
    recomputed: int  # submitted steps whose due date moved
    provisional_before: int  # of those checked, how many were provisional


def holiday_year_replace(*, schedule: Schedule, actor, source: str = HolidayYear.Source.ADMIN) -> CalendarChange:
    """Enter (or correct) one year's schedule, whole, and recompute every submitted step's
    due date the change can move. All or nothing.

    Each such step keeps the number of working days it was given: counted under the old
    calendar from where its clock started to its due date, then counted again under the
    new one. Locks: the steps' cases, then the steps (docs/locking.md), by pk."""
    if actor is not None and not can_change_calendar(actor):
        raise PermissionDenied(_("只有系统管理员可以修改节假日安排。"))
    if source not in HolidayYear.Source.values:
        raise ValueError(f"{source!r} is not a calendar source")
    if not schedule.days or any(day.date.year != schedule.year for day in schedule.days):
        raise ValidationError(_("节假日安排为空或含有其他年份的日期。"))
    first_day = datetime.date(schedule.year, 1, 1)
    with transaction.atomic():
        affected = ProcedureStep.objects.filter(state=StepState.SUBMITTED, due_date__gte=first_day)
        list(
            Case.objects.select_for_update(no_key=True)
            .filter(pk__in=affected.values("case_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        steps = list(
            affected.select_for_update(of=("self",), no_key=True)
            .select_related("case")
            .order_by("pk")
            .only("pk", "case__jurisdiction_id", "number", "submitted_at", "notice_end", "due_date", "state")
        )
        old = load_calendar()
        was_known = schedule.year in old.known_years
        given = {step.pk: old.working_days_between(review_begin(step), step.due_date) for step in steps}
        provisional_before = sum(1 for step in steps if not old.is_known(step.due_date))

        year, _created = HolidayYear.objects.update_or_create(year=schedule.year, defaults={"source": source})
        HolidayDay.objects.filter(year=year).delete()
        HolidayDay.objects.bulk_create(
            [
                HolidayDay(date=day.date, year=year, kind=day.kind, name=day.name, shift=shift_of(day.date, day.kind))
                for day in schedule.days
            ]
        )
        new = load_calendar()
        moved = []
        for step in steps:
            due = new.add(review_begin(step), max(given[step.pk], 0)).date
            if due != step.due_date:
                step.due_date = due
                moved.append(step)
        ProcedureStep.objects.bulk_update(moved, ["due_date"], batch_size=500)
        change = CalendarChange(
            year=schedule.year,
            holidays=sum(1 for day in schedule.days if day.kind == HolidayKind.OFF),
            workdays=sum(1 for day in schedule.days if day.kind == HolidayKind.WORK),
            recomputed=len(moved),
            provisional_before=provisional_before,
        )
        audit.holiday_calendar_set(year=year, actor=actor, change=change, replaced=was_known)
    return change


def step_time_limit_set(*, jurisdiction: Jurisdiction, number: int, working_days: int, actor) -> StepTimeLimit:
    """Set how many working days a jurisdiction's department has for a step. Due dates already
    given stay as given: the applicant was told them; submissions from now on count anew."""
    if actor is not None and not can_change_calendar(actor):
        raise PermissionDenied(_("只有系统管理员可以修改办理时限。"))
    if number not in PROCEDURE_BY_NUMBER:
        raise ValidationError(_("没有第%(number)s项程序。") % {"number": number})
    if isinstance(working_days, bool) or not isinstance(working_days, int) or not 1 <= working_days <= 60:
        raise ValidationError(_("办理时限应为 1 至 60 个工作日。"))
    with transaction.atomic():
        limit = StepTimeLimit.objects.select_for_update().filter(jurisdiction=jurisdiction, number=number).first()
        before = limit.working_days if limit is not None else None
        if limit is None:
            limit = StepTimeLimit(jurisdiction=jurisdiction, number=number, working_days=working_days)
        limit.working_days = working_days
        limit.save()
        audit.step_time_limit_set(limit=limit, actor=actor, before=before)
    return limit


def describe_change(change: CalendarChange) -> str:
    """What an import did, as the command and the admin say it."""
    return _(
        "已保存%(year)s年节假日安排：放假%(holidays)s天、调休上班%(workdays)s天；"
        "重新计算了%(recomputed)s个办理时限（其中原为暂定%(provisional)s个）。"
    ) % {
        "year": change.year,
        "holidays": change.holidays,
        "workdays": change.workdays,
        "recomputed": change.recomputed,
        "provisional": change.provisional_before,
    }


def first_unknown_year(*, today: datetime.date, within_days: int = 60) -> int | None:
    """The first year from today to `within_days` ahead whose schedule is not known: the
    admin's reminder, from two months before the year begins (the State Council publishes the
    next year's schedule in October to December)."""
    known = load_calendar().known_years
    last = today + datetime.timedelta(days=within_days)
    return next((year for year in range(today.year, last.year + 1) if year not in known), None)
