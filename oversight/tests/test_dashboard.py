"""The dashboard's figures against counts made by hand.

A small city built through the services at known dates (time-machine), each expected
number worked out below from the story, not by asking the database the same question:

    today 2026-06-01 (Mon)
    A  丰泽  opened 2026-03-02 (Mon), step 1 handed in that day, approved 2026-03-09 (Mon): 5 working days
    B  丰泽  opened 2026-04-01 (Wed), approved 2026-04-08 (Wed): 4/2, 4/3, 4/7, 4/8 — 清明 4/6 off: 4
    C  鲤城  opened 2026-02-12 (Thu), approved 2026-02-24 (Tue): the Spring Festival skipped, 2/14 (Sat)
             worked: 2/13, 2/14, 2/24 — 3 (README, "Deadlines")
    D  丰泽  opened 2026-05-06, step 1 handed in, due 5 working days later: overdue on 6/1
    E  丰泽  opened 2026-05-28, step 1 handed in, due 2026-06-04: waiting, not overdue
    F  鲤城  opened 2026-05-20, the vote closed with a third agreeing: failed
    G  丰泽  opened and completed 2026-05-15 (all eight steps that day: 0 working days each);
             its elevator first used 2026-05-20, certificate valid until 2026-07-15: the
             inspection request is due 2026-06-15, 14 days ahead (warned from 30): due soon
    A's ledger: a ¥1,000.00 subsidy, a ¥500.00 subsidy reversed: ¥1,000.00 raised; every case's
    budget ¥420,000.00 (the factories' motion), no funding plan.
"""

import datetime
import zoneinfo
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine

from cases import services
from cases.deadlines import load_calendar
from cases.models import Case, Jurisdiction
from cases.tests.factories import UserFactory, jurisdiction, officer, open_case, reviewer_for, unit_with_flats
from demo.progress import agreeing_ballots, case_bring_to
from demo.tests.factories import CaseFactory
from funding import services_ledger
from oversight.dashboard import WorkingDayCounter, dashboard, dashboard_scope
from upkeep import services as upkeep_services

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 6, 1)


def at(day: datetime.date, hour: int = 9):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=SHANGHAI), tick=False)


def submitted_case(day: datetime.date, code: str = "FZ") -> Case:
    with at(day):
        return CaseFactory(unit=unit_with_flats(jurisdiction=jurisdiction(code)), at_step=1, state="submitted")


def approve_step_1(case: Case, day: datetime.date) -> None:
    with at(day, 15):
        step = case.steps.get(number=1)
        services.case_decide_step(step=step, actor=reviewer_for(step), decision="approve", note="同意")


@pytest.fixture
def city():
    a = submitted_case(datetime.date(2026, 3, 2))
    approve_step_1(a, datetime.date(2026, 3, 9))
    b = submitted_case(datetime.date(2026, 4, 1))
    approve_step_1(b, datetime.date(2026, 4, 8))
    c = submitted_case(datetime.date(2026, 2, 12), "LC")
    approve_step_1(c, datetime.date(2026, 2, 24))
    d = submitted_case(datetime.date(2026, 5, 6))
    e = submitted_case(datetime.date(2026, 5, 28))
    with at(datetime.date(2026, 5, 20)):
        f = open_case(jurisdiction=jurisdiction("LC"))
        case_bring_to(
            case=f, step=1, clerk=officer("LC"), vote="closed", ballots=agreeing_ballots(f, share=Fraction(1, 3))
        )
    with at(datetime.date(2026, 5, 15)):
        g = CaseFactory(completed=True)
    with at(datetime.date(2026, 5, 25)):
        upkeep_services.register_save(
            case=g, actor=None, using_unit_name="泉州市安居物业服务有限公司", first_used_on=datetime.date(2026, 5, 20)
        )
        upkeep_services.inspection_record(
            case=g,
            actor=None,
            inspected_on=datetime.date(2026, 5, 18),
            result="passed",
            certificate_number="闽特检(2026)DT0001",
            valid_until=datetime.date(2026, 7, 15),
        )
        services_ledger.ledger_entry_record(
            case=a,
            actor=None,
            kind="subsidy",
            date=datetime.date(2026, 5, 25),
            amount=Decimal("1000.00"),
            counterparty="丰泽区财政局",
        )
        wrong = services_ledger.ledger_entry_record(
            case=a,
            actor=None,
            kind="subsidy",
            date=datetime.date(2026, 5, 25),
            amount=Decimal("500.00"),
            counterparty="丰泽区财政局",
        )
        services_ledger.ledger_entry_reverse(entry=wrong, actor=None, reason="重复登记")
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g}


def board_for(user, office=None):
    with at(TODAY):
        return dashboard(scope=dashboard_scope(user=user, office=office), today=TODAY)


def figure(board, key):
    return next(f for f in board.figures if f.key == key)


def rows(board, key):
    return {row[0]: row[1:] for row in figure(board, key).table.rows}


def test_the_city_supervisor_sees_every_office_counted_by_hand(city):
    board = board_for(UserFactory(with_role="city_supervisor"))
    assert board.headline == {"open": 6, "completed": 1, "ended": 0, "overdue": 1}
    cases = rows(board, "cases")
    # 丰泽: A, B at step 2; D, E at step 1 (G completed). 鲤城: C at step 2, F at step 1.
    assert cases["丰泽区"] == [2, 2, 0, 0, 0, 0, 0, 0, 4]
    assert cases["鲤城区"] == [1, 1, 0, 0, 0, 0, 0, 0, 2]
    assert cases["晋江市"] == [0] * 9
    assert figure(board, "cases").table.total == ["合计", 3, 3, 0, 0, 0, 0, 0, 0, 6]

    months = rows(board, "months")
    assert list(months)[0] == "2025-07" and list(months)[-1] == "2026-06"
    assert months["2026-02"] == [1, 0]
    assert months["2026-03"] == [1, 0]
    assert months["2026-04"] == [1, 0]
    assert months["2026-05"] == [4, 1]  # D, E, F, G opened; G completed
    assert months["2026-06"] == [0, 0]

    days = rows(board, "days")
    # Step 1: A 5, B 4, C 3, G 0 -> median 3.5; steps 2-8: G alone, 0.
    assert days["1. 方案初审"] == [4, "3.5", "3.5"]
    assert days["8. 电梯安装"] == [1, "0", "0"]

    overdue = rows(board, "overdue")
    assert overdue["丰泽区"] == [2, 1]  # D overdue, E waiting
    assert overdue["鲤城区"] == [0, 0]

    votes = rows(board, "votes")
    assert votes["丰泽区"] == [5, 5, 0, "100.00%", 0]  # A, B, D, E, G
    assert votes["鲤城区"] == [2, 1, 1, "50.00%", 0]  # C passed, F failed
    assert figure(board, "votes").table.total == ["合计", 7, 6, 1, "85.71%", 0]

    elevators = rows(board, "elevators")
    assert elevators["丰泽区"] == [1, 1, 0]
    assert elevators["鲤城区"] == [0, 0, 0]

    money = rows(board, "money")
    # Five live cases in 丰泽 (A, B, D, E, G) at ¥420,000 each; 鲤城 C and F.
    assert money["丰泽区"] == ["2,100,000.00", "1,000.00", "0.05%"]
    assert money["鲤城区"] == ["840,000.00", "0.00", "0.00%"]


def test_a_district_officer_sees_their_own_office_by_procedure(city):
    board = board_for(officer("FZ"))
    assert board.scope.ids == [Jurisdiction.objects.get(code="FZ").pk]
    assert board.headline == {"open": 4, "completed": 1, "ended": 0, "overdue": 1}
    cases = rows(board, "cases")
    assert cases["1. 方案初审"] == [2] and cases["2. 公示见证"] == [2] and cases["3. 规划审查"] == [0]
    assert rows(board, "overdue")["1. 方案初审"] == [2, 1]
    # Step 1 in 丰泽: A 5, B 4, G 0 -> 4.
    assert rows(board, "days")["1. 方案初审"] == [3, "4", "4"]
    assert rows(board, "votes") == {"丰泽区": [5, 5, 0, "100.00%", 0]}
    assert rows(board, "months")["2026-05"] == [3, 1]
    # Nothing of 鲤城 anywhere on the page.
    assert all("鲤城区" not in str(f.table.rows) for f in board.figures)


def test_the_city_narrowed_to_one_office_reads_like_that_office(city):
    lc = Jurisdiction.objects.get(code="LC")
    board = board_for(UserFactory(with_role="city_supervisor"), office=str(lc.pk))
    assert board.headline == {"open": 2, "completed": 0, "ended": 0, "overdue": 0}
    assert rows(board, "days")["1. 方案初审"] == [1, "3", "3"]  # C alone


def test_the_fast_working_day_count_agrees_with_the_calendars_own():
    calendar = load_calendar()
    counter = WorkingDayCounter(calendar)
    start = datetime.date(2025, 12, 20)
    for offset in range(0, 400, 7):
        for length in (0, 1, 3, 10, 45):
            a = start + datetime.timedelta(days=offset)
            b = a + datetime.timedelta(days=length)
            assert counter.between(a, b) == calendar.working_days_between(a, b), (a, b)
            assert counter.between(b, a) == calendar.working_days_between(b, a), (b, a)


def test_a_large_scope_takes_the_median_over_an_even_sample_of_cases(city, monkeypatch):
    # Seven cases, a sample of about three: every second case by id, all of its steps.
    monkeypatch.setattr("oversight.dashboard.SAMPLE_CASES", 3)
    days = {"a": 5, "b": 4, "c": 3, "g": 0}  # step 1's working days, from the story above
    sampled = sorted(n for key, n in days.items() if city[key].pk % 2 == 0)
    board = board_for(UserFactory(with_role="city_supervisor"))
    row = rows(board, "days")["1. 方案初审"]
    assert row[0] == len(sampled)
    if sampled:
        median = (
            sampled[len(sampled) // 2]
            if len(sampled) % 2
            else (sampled[len(sampled) // 2 - 1] + sampled[len(sampled) // 2]) / 2
        )
        assert row[1] == f"{median:g}"
