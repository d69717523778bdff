"""Working-day arithmetic for due dates (办理时限), on the holiday calendar in the database.

The calendar (`HolidayYear`, `HolidayDay`) holds, for each year whose schedule is known,
the dates that are not what their weekday says: statutory holidays (休) and weekend days
worked (调休, 班). It was seeded from the pinned chinese-calendar package (migration 0019);
a year the package did not know is entered by an administrator once the State Council
publishes it (`cases.calendar`: the admin, or `manage.py holidays import FILE.csv`).

For a year not known yet, Monday to Friday are the working days and every due date counted
into it is provisional (暂定): it is recomputed when the year is entered, so nothing drifts
silently. Dates are only ever compared and counted, never guessed from the package at run
time: the database is the one calendar.

`WorkCalendar` is the calendar as plain data, loaded once (`load_calendar`, one query) for
a loop; `is_working_day(day)` and `add_working_days(start, days)` keep their old names and
signatures for callers that ask once (each call loads the calendar: pass `calendar=` in a
loop).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from .models import HolidayDay, HolidayKind, HolidayYear, ProcedureStep, StepTimeLimit

ONE_DAY = datetime.timedelta(days=1)


def shift_of(day: datetime.date, kind: str) -> int:
    """What a listed date does to a count of working days: −1 a holiday on a weekday, +1 a
    weekend day worked, 0 a holiday on a weekend (the weekend already did not count)."""
    weekend = day.weekday() >= 5
    if kind == HolidayKind.OFF:
        return 0 if weekend else -1
    return 1 if weekend else 0


def weekdays_between(start: datetime.date, end: datetime.date) -> int:
    """Monday-to-Friday days in (start, end]; negative, as many, when end < start."""
    if end < start:
        return -weekdays_between(end, start)
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    first = start.weekday()  # the days after `start` in the last partial week
    for offset in range(1, rest + 1):
        if (first + offset) % 7 < 5:
            count += 1
    return count


@dataclass(frozen=True)
class Due:
    """A due date, and whether it was counted through a year whose schedule is not known
    yet (暂定)."""

    date: datetime.date
    provisional: bool


@dataclass(frozen=True)
class WorkCalendar:
    """The holiday calendar as plain data: the known years and their listed dates."""

    known_years: frozenset[int]
    kinds: dict[datetime.date, str] = field(default_factory=dict)  # date → HolidayKind

    def is_known(self, day: datetime.date) -> bool:
        return day.year in self.known_years

    def is_working_day(self, day: datetime.date) -> bool:
        kind = self.kinds.get(day)
        if kind is not None:
            return kind == HolidayKind.WORK
        return day.weekday() < 5

    def add(self, start: datetime.date, days: int) -> Due:
        """The date `days` working days after `start` (start itself not counted); provisional
        when a day counted lies in a year not known."""
        day, remaining, provisional = start, days, False
        while remaining > 0:
            day += ONE_DAY
            if not self.is_known(day):
                provisional = True
            if self.is_working_day(day):
                remaining -= 1
        return Due(day, provisional)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]; negative, as many, when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        shifts = sum(shift_of(day, kind) for day, kind in self.kinds.items() if start < day <= end)
        return weekdays_between(start, end) + shifts


def load_calendar() -> WorkCalendar:
    """The calendar from the database, in one query (years joined to their dates)."""
    years, kinds = set(), {}
    for year, day, kind in HolidayYear.objects.values_list("year", "days__date", "days__kind"):
        years.add(year)
        if day is not None:
            kinds[day] = kind
    return WorkCalendar(frozenset(years), kinds)


def is_working_day(day: datetime.date, *, calendar: WorkCalendar | None = None) -> bool:
    return (calendar or load_calendar()).is_working_day(day)


def add_working_days(start: datetime.date, days: int, *, calendar: WorkCalendar | None = None) -> datetime.date:
    """The date `days` working days after `start` (start itself does not count). Whether it
    is provisional: `due_after`."""
    return due_after(start, days, calendar=calendar).date


def due_after(start: datetime.date, days: int, *, calendar: WorkCalendar | None = None) -> Due:
    return (calendar or load_calendar()).add(start, days)


# --- a step's review deadline ------------------------------------------------------------------


def review_begin(step: ProcedureStep) -> datetime.date:
    """Where a step's review clock starts: the day it was submitted, or for the public notice
    its last day, before which the step cannot be approved."""
    begin = timezone.localdate(step.submitted_at) if step.submitted_at else timezone.localdate()
    if step.notice_end is not None:
        begin = max(begin, step.notice_end)
    return begin


def step_time_limit(*, jurisdiction_id: int, number: int) -> int:
    """The working days a jurisdiction's department has for a step (StepTimeLimit, else the
    setting STEP_REVIEW_WORKING_DAYS)."""
    limit = (
        StepTimeLimit.objects.filter(jurisdiction_id=jurisdiction_id, number=number)
        .values_list("working_days", flat=True)
        .first()
    )
    return limit if limit is not None else settings.STEP_REVIEW_WORKING_DAYS


def step_review_due(step: ProcedureStep, *, calendar: WorkCalendar | None = None) -> Due:
    """The due date of a submitted step's review, with its jurisdiction's limit."""
    days = step_time_limit(jurisdiction_id=step.case.jurisdiction_id, number=step.number)
    return due_after(review_begin(step), days, calendar=calendar)


# --- the same, inside a query: no query more per page ---------------------------------------


def provisional_due(field_name: str):
    """An expression, true when the due date in `field_name` falls in a year whose schedule
    is not known (暂定): a semi-join on the years, in the page's own query."""
    return ~Exists(HolidayYear.objects.filter(year=ExtractYear(OuterRef(field_name))))


class _Sum(Func):
    function = "SUM"


def shift_sum(field_name: str, *, today: datetime.date):
    """The sum of the listed dates' shifts between today and the due date in `field_name`
    (either way round): added to `weekdays_between(today, due)` (with the sign) it is the
    working days left. A correlated subquery on the calendar's dates, in the page's own query."""
    due = OuterRef(field_name)
    days = (
        HolidayDay.objects.filter(Q(date__gt=today, date__lte=due) | Q(date__gt=due, date__lte=today))
        .order_by()
        .annotate(total=_Sum(F("shift")))
        .values("total")
    )
    return Coalesce(Subquery(days[:1]), Value(0))


def working_days_left(*, today: datetime.date, due: datetime.date | None, shift: int | None) -> int | None:
    """Working days from today to the due date (0: due today; negative: overdue by as many),
    from `shift_sum` read with the row."""
    if due is None:
        return None
    sign = -1 if due < today else 1
    return weekdays_between(today, due) + sign * (shift or 0)
