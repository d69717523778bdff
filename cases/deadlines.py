"""Working-day arithmetic for due dates (办理时限).

chinese-calendar knows the State Council's holiday and make-up workday (调休) schedule
year by year; for a year it does not know yet, Monday to Friday is the best guess until
the package is updated (`pip install -U chinese-calendar` once the schedule is published).
"""

import datetime

import chinese_calendar


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
