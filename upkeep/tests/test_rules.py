"""Due dates and warnings, pure (upkeep/rules.py): one month before a certificate runs out,
30 days after first use, a due date on a weekend or a holiday moved to the last working day
on or before it, warnings from 30 days before and again once overdue."""

import datetime

import pytest

from cases.deadlines import load_calendar
from upkeep import rules

# The rules are pure; the working days are the holiday calendar in the database (seeded from
# chinese-calendar by cases' migration 0019), as the pages and send_reminders read it.
pytestmark = pytest.mark.django_db

D = datetime.date


def _dues(**facts):
    base = {
        "first_used_on": None,
        "registered_on": None,
        "inspection_valid_until": None,
        "inspection_id": 7,
        "contract_ends_on": None,
        "contract_id": 9,
        "last_visit_on": None,
        "maintenance_from": None,
    }
    return rules.dues(
        rules.Facts(**{**base, **facts}),
        registration_within_days=30,
        maintenance_interval_days=15,
        is_working_day=load_calendar().is_working_day,
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 11, 20), D(2026, 10, 20)),
        (D(2026, 3, 31), D(2026, 2, 28)),  # February has no 31st
        (D(2028, 3, 30), D(2028, 2, 29)),  # a leap year
        (D(2026, 1, 15), D(2025, 12, 15)),  # across the year
    ],
)
def test_one_month_before(day, expected):
    assert rules.months_before(day, 1) == expected


def test_the_inspection_request_is_due_one_month_before_the_certificate_runs_out():
    (due,) = _dues(inspection_valid_until=D(2026, 11, 20))
    assert (due.what, due.due_on, due.act_by, due.object_id) == (
        rules.What.INSPECTION,
        D(2026, 10, 20),
        D(2026, 10, 20),
        7,
    )


def test_a_request_due_on_a_saturday_is_made_by_the_friday_before():
    # Certificate runs out 2026-09-08: the request falls due on Saturday 2026-08-08.
    (due,) = _dues(inspection_valid_until=D(2026, 9, 8))
    assert due.due_on == D(2026, 8, 8) and due.due_on.weekday() == 5
    assert due.act_by == D(2026, 8, 7)


def test_a_request_due_on_national_day_is_made_by_the_last_working_day_before_the_holiday():
    # Certificate runs out on Sunday 2026-11-01: the request falls due on 2026-10-01, National Day.
    (due,) = _dues(inspection_valid_until=D(2026, 11, 1))
    assert due.due_on == D(2026, 10, 1)
    assert due.act_by == D(2026, 9, 30)


def test_a_certificate_running_out_on_a_holiday_and_a_contract_ending_on_one():
    dues = {d.what: d for d in _dues(inspection_valid_until=D(2026, 10, 1), contract_ends_on=D(2026, 10, 1))}
    # The certificate runs out on National Day: the request is due 2026-09-01, a Tuesday.
    assert dues[rules.What.INSPECTION].act_by == D(2026, 9, 1)
    # The contract ends on National Day: renew by the last working day before, 2026-09-30.
    assert dues[rules.What.CONTRACT].act_by == D(2026, 9, 30)


def test_a_make_up_working_saturday_is_a_day_to_act_on():
    # 2026-10-10 is a Saturday worked in exchange for the National Day holiday (调休).
    (due,) = _dues(inspection_valid_until=D(2026, 11, 10))
    assert due.due_on == D(2026, 10, 10) and due.act_by == D(2026, 10, 10)


def test_registration_is_due_30_days_after_first_use_until_it_is_made():
    (due,) = _dues(first_used_on=D(2026, 6, 1))
    assert due.what == rules.What.REGISTRATION and due.due_on == D(2026, 7, 1)
    assert _dues(first_used_on=D(2026, 6, 1), registered_on=D(2026, 6, 20)) == []


def test_maintenance_falls_due_15_days_after_the_last_visit_or_the_contracts_start():
    (due,) = _dues(last_visit_on=D(2026, 12, 5), maintenance_from=D(2026, 1, 1))
    assert due.due_on == D(2026, 12, 20) and due.act_by == D(2026, 12, 20)  # on site, any day
    (due,) = _dues(maintenance_from=D(2026, 12, 1))
    assert due.due_on == D(2026, 12, 16)


@pytest.mark.parametrize(
    ("today", "level", "days_left"),
    [
        (D(2026, 9, 19), None, None),  # 31 days before: quiet
        (D(2026, 9, 20), rules.Level.SOON, 30),  # 30 days before: warned
        (D(2026, 10, 20), rules.Level.SOON, 0),  # the day itself
        (D(2026, 10, 21), rules.Level.OVERDUE, -1),  # the day after: overdue
    ],
)
def test_warned_30_days_before_and_again_once_overdue(today, level, days_left):
    (due,) = _dues(inspection_valid_until=D(2026, 11, 20))
    found = rules.warnings([due], today=today, lead_days=30)
    if level is None:
        assert found == []
    else:
        assert [(w.level, w.days_left) for w in found] == [(level, days_left)]


def test_a_warning_is_keyed_by_what_and_level():
    (due,) = _dues(contract_ends_on=D(2026, 12, 31))
    (soon,) = rules.warnings([due], today=D(2026, 12, 20), lead_days=30)
    (late,) = rules.warnings([due], today=D(2027, 1, 2), lead_days=30)
    assert (soon.key, late.key) == ("contract_soon", "contract_overdue")


def test_maintenance_is_warned_three_days_before_not_thirty():
    (due,) = _dues(last_visit_on=D(2026, 12, 1))
    assert rules.warnings([due], today=D(2026, 12, 12), lead_days=30) == []
    assert len(rules.warnings([due], today=D(2026, 12, 13), lead_days=30)) == 1


def test_gaps_over_15_days_between_visits():
    days = [D(2026, 1, 1), D(2026, 1, 15), D(2026, 2, 5), D(2026, 2, 20), D(2026, 2, 20)]
    assert rules.maintenance_gaps(days, interval_days=15) == [(D(2026, 1, 15), D(2026, 2, 5))]
