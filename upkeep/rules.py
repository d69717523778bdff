"""When what falls due after the elevator runs, and what to warn of: pure Python, no ORM.

[law] Special Equipment Safety Law art. 33: use registration within 30 days before or after
first use; art. 40: the periodic inspection is requested one month before the inspection
certificate runs out; Special Equipment Safety Supervision Regulations art. 31: maintenance
at least every 15 days. The numbers are settings (UPKEEP_*), the arithmetic is here.

A due date on a rest day. The law counts calendar days and says nothing of weekends; the
market-supervision office to which a request is made is closed on rest days. The prudent
reading, taken here: what is due on a rest day must be done by the last working day on or
before it (`act_by`), and the warnings count from that day. A certificate running out on
2026-11-01 (a Sunday) makes the request due on 2026-10-01, a National Day holiday, so it is
to be made by 2026-09-30, the last working day before.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum


class What(StrEnum):
    REGISTRATION = "registration"  # 使用登记
    INSPECTION = "inspection"  # 定期检验申请
    CONTRACT = "contract"  # 维保合同到期
    MAINTENANCE = "maintenance"  # 维护保养间隔


class Level(StrEnum):
    SOON = "soon"  # within the lead days
    OVERDUE = "overdue"  # past the day


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` earlier; the month's last day when it has no such
    day (one month before 03-31 is 02-28 or 02-29)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_working_day_on_or_before(day: datetime.date, is_working_day: Callable[[datetime.date], bool]) -> datetime.date:
    for _ in range(30):  # the longest run of rest days (Spring Festival) is far shorter
        if is_working_day(day):
            return day
        day -= datetime.timedelta(days=1)
    return day


def inspection_request_due(valid_until: datetime.date) -> datetime.date:
    """The day the next periodic inspection must be requested by law: one month before
    the certificate runs out."""
    return months_before(valid_until, 1)


def registration_due(first_used_on: datetime.date, within_days: int) -> datetime.date:
    return first_used_on + datetime.timedelta(days=within_days)


@dataclass(frozen=True)
class Due:
    """Something that falls due: `due_on` as the law counts, `act_by` the last working day
    on or before it; `object_id` the record it is about (0: the register)."""

    what: What
    due_on: datetime.date
    act_by: datetime.date
    object_id: int = 0


@dataclass(frozen=True)
class Warning:
    due: Due
    level: Level
    days_left: int  # negative once overdue

    @property
    def what(self) -> What:
        return self.due.what

    @property
    def key(self) -> str:
        """What a mailed reminder is unique by, with the record and the due date."""
        return f"{self.due.what}_{self.level}"


def warning_for(due: Due, *, today: datetime.date, lead_days: int) -> Warning | None:
    """Warn from `lead_days` before the day to act by; overdue the day after it."""
    days_left = (due.act_by - today).days
    if days_left < 0:
        return Warning(due=due, level=Level.OVERDUE, days_left=days_left)
    if days_left <= lead_days:
        return Warning(due=due, level=Level.SOON, days_left=days_left)
    return None


@dataclass(frozen=True)
class Facts:
    """What the warnings are read from, for one register."""

    first_used_on: datetime.date | None
    registered_on: datetime.date | None
    inspection_valid_until: datetime.date | None
    inspection_id: int
    contract_ends_on: datetime.date | None
    contract_id: int
    last_visit_on: datetime.date | None
    maintenance_from: datetime.date | None  # with no visit yet: the contract's start


def dues(
    facts: Facts,
    *,
    registration_within_days: int,
    maintenance_interval_days: int,
    is_working_day: Callable[[datetime.date], bool],
) -> list[Due]:
    """Everything that falls due for the register, in the order the page lists them."""

    def due(what: What, on: datetime.date, object_id: int = 0) -> Due:
        return Due(what=what, due_on=on, act_by=last_working_day_on_or_before(on, is_working_day), object_id=object_id)

    found = []
    if facts.first_used_on is not None and facts.registered_on is None:
        found.append(due(What.REGISTRATION, registration_due(facts.first_used_on, registration_within_days)))
    if facts.inspection_valid_until is not None:
        found.append(due(What.INSPECTION, inspection_request_due(facts.inspection_valid_until), facts.inspection_id))
    if facts.contract_ends_on is not None:
        found.append(due(What.CONTRACT, facts.contract_ends_on, facts.contract_id))
    since = facts.last_visit_on or facts.maintenance_from
    if since is not None:
        # Maintenance is done on site, any day: no working-day rule.
        on = since + datetime.timedelta(days=maintenance_interval_days)
        found.append(Due(what=What.MAINTENANCE, due_on=on, act_by=on))
    return found


def warnings(
    dues_: Iterable[Due], *, today: datetime.date, lead_days: int, maintenance_lead_days: int = 3
) -> list[Warning]:
    """The warnings of today. Maintenance every 15 days is warned of a few days before, not
    30 (it would always be warned of)."""
    found = []
    for d in dues_:
        w = warning_for(d, today=today, lead_days=maintenance_lead_days if d.what == What.MAINTENANCE else lead_days)
        if w is not None:
            found.append(w)
    return found


def maintenance_gaps(days: Iterable[datetime.date], *, interval_days: int) -> list[tuple[datetime.date, datetime.date]]:
    """Consecutive visits more than `interval_days` apart, oldest first."""
    ordered = sorted(set(days))
    return [(a, b) for a, b in zip(ordered, ordered[1:], strict=False) if (b - a).days > interval_days]
