"""The dashboard on the demo data equals what the README's table of demo cases says, counted
by hand (issue 16: "dashboard figures on the demo data equal hand counts in tests").

    FZ-2026-0001  丰泽  step 1 handed in (due in five working days), vote passed, budget ¥380,000
    FZ-2026-0002  丰泽  step 4, vote passed, ¥400,000; its ledger: three first instalments, a
                        mistaken contribution reversed, the design fee (money out)
    FZ-2026-0003  丰泽  step 2 (notice running), vote passed, ¥400,000
    LC-2026-0001  鲤城  step 1 returned, vote passed, ¥420,000
    JJ-2026-0001  晋江  step 1, vote still open, ¥440,000
    TZ-2026-0001  台商  completed, vote passed, ¥460,000; its elevator runs (first used 120 days
                        ago), certificate valid 240 days more: no inspection due; its ledger:
                        every flat with a share paid in full but 501 (a later joiner)
Every funding plan is the budget split 70/20/10 (seed.py), so each plan's total is the budget.
"""

import os
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, User
from funding.selectors_ledger import case_ledger
from oversight.dashboard import dashboard, dashboard_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def rows(board, key):
    return {row[0]: row[1:] for row in next(f for f in board.figures if f.key == key).table.rows}


def board_of(username):
    return dashboard(scope=dashboard_scope(user=User.objects.get(username=username)), today=timezone.localdate())


def instalments(number: str = "FZ-2026-0002") -> Decimal:
    """A case's money in, as its own ledger page counts each flat's payments."""
    ledger = case_ledger(case=Case.objects.get(number=number))
    return sum((account.paid for account in ledger.accounts), Decimal("0.00"))


def test_the_city_supervisors_figures_on_the_demo_data(demo):
    board = board_of("city_dudao")
    assert board.headline == {"open": 5, "completed": 1, "ended": 0, "overdue": 0}
    cases = rows(board, "cases")
    assert cases["丰泽区"] == [1, 1, 0, 1, 0, 0, 0, 0, 3]
    assert cases["鲤城区"] == [1, 0, 0, 0, 0, 0, 0, 0, 1]
    assert cases["晋江市"] == [1, 0, 0, 0, 0, 0, 0, 0, 1]
    assert cases["泉州台商投资区"] == [0] * 9
    this_month = f"{timezone.localdate():%Y-%m}"
    assert rows(board, "months")[this_month] == [6, 1]
    # Approved steps: step 1 of FZ-2, FZ-3 and TZ; step 2 of FZ-2 and TZ; step 3 of TZ alone
    # (FZ-2's was not required: reserved shaft); steps 4–8 of TZ.
    assert [row[0] for row in rows(board, "days").values()] == [3, 2, 1, 1, 1, 1, 1, 1]
    assert rows(board, "overdue")["丰泽区"] == [1, 0]
    votes = rows(board, "votes")
    assert votes["丰泽区"] == [3, 3, 0, "100.00%", 0]
    assert votes["鲤城区"] == [1, 1, 0, "100.00%", 0]
    assert votes["晋江市"] == [0, 0, 0, "—", 1]
    assert votes["泉州台商投资区"] == [1, 1, 0, "100.00%", 0]
    elevators = rows(board, "elevators")
    assert elevators["泉州台商投资区"] == [1, 0, 0]
    assert sum(row[0] for row in elevators.values()) == 1
    money = rows(board, "money")
    paid = instalments()
    assert paid > 0
    assert money["丰泽区"] == ["1,180,000.00", f"{paid:,.2f}", money["丰泽区"][2]]
    assert money["鲤城区"] == ["420,000.00", "0.00", "0.00%"]
    paid_tz = instalments("TZ-2026-0001")
    assert paid_tz > 0
    share = (paid_tz / Decimal("4600")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert money["泉州台商投资区"] == ["460,000.00", f"{paid_tz:,.2f}", f"{share}%"]
    total = next(f for f in board.figures if f.key == "money").table.total
    assert total[:3] == ["合计", "2,500,000.00", f"{paid + paid_tz:,.2f}"]


def test_the_district_officers_figures_on_the_demo_data(demo, client):
    board = board_of("fz_zhujian")
    assert board.headline == {"open": 3, "completed": 0, "ended": 0, "overdue": 0}
    assert [row[0] for row in rows(board, "cases").values()] == [1, 1, 0, 1, 0, 0, 0, 0]
    assert rows(board, "votes") == {"丰泽区": [3, 3, 0, "100.00%", 0]}
    assert rows(board, "elevators") == {"丰泽区": [0, 0, 0]}
    # The page: no elevator runs in 丰泽 yet, so that figure says so instead of an empty chart.
    client.force_login(User.objects.get(username="fz_zhujian"))
    page = client.get(reverse("oversight:dashboard")).content.decode()
    elevators = page.split('id="dash-elevators"')[1].split("</section>")[0]
    assert "暂无数据" in elevators
    assert "鲤城区" not in page and "晋江市" not in page
