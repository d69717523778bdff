"""Later joiners and sold flats (issue 15 §3) through their services, and the ledger's totals
net of reversals (§1): what staff and owners would read on the pages."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from cases.tests.factories import officer
from funding import latejoin_rules
from funding.models import LedgerEntry, LedgerKind
from funding.models_accounts import FlatTransfer, LateJoin
from funding.selectors_accounts import flat_account, late_join_plan
from funding.selectors_ledger import PaidStatus, case_ledger, month_statement
from funding.services_accounts import flat_transfer_record, late_join_record, late_join_reverse
from funding.services_ledger import ledger_entry_record, ledger_entry_reverse

from .test_ledger import TODAY, contribute, flat, funded_case, pay

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def registered(monkeypatch):
    """The elevator's use registration on a given date (upkeep keeps it; cases.extensions asks)."""
    when = {"on": TODAY() - datetime.timedelta(days=400)}
    monkeypatch.setattr("funding.selectors_accounts.use_registered_on", lambda case: when["on"])
    return when


def paid_up(case, *rooms):
    accounts = {a.room: a for a in case_ledger(case=case).accounts}
    for room in rooms:
        contribute(case, room, str(accounts[room].share))


# --- the arithmetic -------------------------------------------------------------------------


def test_months_count_once_the_day_comes_round():
    assert latejoin_rules.whole_months(D(2021, 3, 15), D(2021, 4, 14)) == 0
    assert latejoin_rules.whole_months(D(2021, 3, 15), D(2021, 4, 15)) == 1
    assert latejoin_rules.whole_months(D(2021, 1, 31), D(2021, 2, 28)) == 1  # February's end
    assert latejoin_rules.whole_months(D(2021, 1, 31), D(2021, 2, 27)) == 0
    assert latejoin_rules.whole_months(D(2021, 3, 15), D(2020, 1, 1)) == 0


def test_full_share_for_five_years_then_a_straight_line_to_nothing_at_fifteen():
    f = latejoin_rules.factor
    assert f(0, full_years=5, zero_years=15) == 1
    assert f(60, full_years=5, zero_years=15) == 1
    assert f(61, full_years=5, zero_years=15) == Fraction(119, 120)
    assert f(120, full_years=5, zero_years=15) == Fraction(1, 2)
    assert f(180, full_years=5, zero_years=15) == 0
    assert f(300, full_years=5, zero_years=15) == 0
    with pytest.raises(ValueError):
        f(10, full_years=5, zero_years=5)


def test_the_quote_shows_each_number():
    q = latejoin_rules.quote(
        share=Decimal("21428.57"), registered_on=D(2020, 1, 10), on=D(2027, 4, 10), full_years=5, zero_years=15
    )
    assert q.months == 87 and q.years_text == "7年3个月"
    assert q.factor == Fraction(93, 120) and q.factor_text == "(180−87)/120 = 0.7750"
    assert q.amount == Decimal("16607.14")  # 21428.57 × 0.775 = 16607.141…
    assert isinstance(q.amount, Decimal)


# --- recording a later joiner ---------------------------------------------------------------


def test_a_later_joiner_pays_its_share_and_it_is_shared_back_to_the_fen(registered):
    case = funded_case("100000.00")  # 201/202: 21428.57, 301/302: 28571.43
    paid_up(case, "201", "301", "302")
    actor = officer(case.jurisdiction.code)
    join = late_join_record(
        case=case, flat=flat(case, "202"), actor=actor, joined_on=TODAY(), counterparty="202室业主 王五"
    )
    assert join.amount == Decimal("21428.57") and join.months == 13
    accounts = {a.room: a for a in case_ledger(case=case).accounts}
    backs = {room: accounts[room].shared_back for room in ("201", "301", "302")}
    assert sum(backs.values()) == Decimal("21428.57")
    # By what each paid of its share: 21428.57 : 28571.43 : 28571.43.
    assert backs == {"201": Decimal("5844.15"), "301": Decimal("7792.21"), "302": Decimal("7792.21")}
    assert accounts["202"].status == PaidStatus.PAID and accounts["202"].late_join == join
    assert accounts["201"].status == PaidStatus.PAID  # what it got back is not owed again
    assert accounts["201"].net_paid == Decimal("15584.42")
    ledger = case_ledger(case=case)
    assert ledger.total_in - ledger.total_out == ledger.balance == Decimal("78571.43")
    kinds = [e.kind for e in ledger.entries[-4:]]
    assert kinds == [LedgerKind.LATE_JOIN, *[LedgerKind.LATE_JOIN_SHARE] * 3]
    event = AuditEvent.objects.get(event="late_join_recorded")
    assert event.data["amount"] == "21428.57" and event.actor == actor


def test_after_five_years_the_share_is_depreciated(registered):
    case = funded_case("100000.00")
    paid_up(case, "201", "301", "302")
    registered["on"] = TODAY().replace(year=TODAY().year - 10)
    plan = late_join_plan(ledger=case_ledger(case=case), flat_id=flat(case, "202").pk, on=TODAY())
    assert plan.quote.months == 120 and plan.quote.factor == Fraction(1, 2)
    assert plan.quote.amount == Decimal("10714.29")
    assert sum(part for _a, _b, part in plan.shares) == plan.quote.amount


def test_every_refusal_names_its_rule(registered):
    case = funded_case()
    actor = officer(case.jurisdiction.code)
    # Nobody paid yet: nothing to share back.
    with pytest.raises(ValidationError, match="尚无已出资的住户"):
        late_join_record(case=case, flat=flat(case, "202"), actor=actor, joined_on=TODAY(), counterparty="王五")
    paid_up(case, "201")
    with pytest.raises(ValidationError, match="已出资"):
        late_join_record(case=case, flat=flat(case, "201"), actor=actor, joined_on=TODAY(), counterparty="张三")
    with pytest.raises(ValidationError, match="无需分摊"):
        late_join_record(case=case, flat=flat(case, "101"), actor=actor, joined_on=TODAY(), counterparty="李四")
    registered["on"] = None
    with pytest.raises(ValidationError, match="尚未办理使用登记"):
        late_join_record(case=case, flat=flat(case, "202"), actor=actor, joined_on=TODAY(), counterparty="王五")
    registered["on"] = TODAY().replace(year=TODAY().year - 16)
    with pytest.raises(ValidationError, match="补缴金额为零"):
        late_join_record(case=case, flat=flat(case, "202"), actor=actor, joined_on=TODAY(), counterparty="王五")
    registered["on"] = TODAY() - datetime.timedelta(days=30)
    with pytest.raises(ValidationError, match="补缴金额已变为"):
        late_join_record(
            case=case,
            flat=flat(case, "202"),
            actor=actor,
            joined_on=TODAY(),
            counterparty="王五",
            expected_amount="1.00",
        )
    with pytest.raises(PermissionDenied):
        late_join_record(
            case=case,
            flat=flat(case, "202"),
            actor=officer(case.jurisdiction.code, role="planning_reviewer"),
            joined_on=TODAY(),
            counterparty="王五",
        )
    for bad in ("", "=HYPERLINK(1)", "x" * 500):
        with pytest.raises(ValidationError):
            late_join_record(case=case, flat=flat(case, "202"), actor=actor, joined_on=TODAY(), counterparty=bad)
    with pytest.raises(ValidationError, match="晚于今天"):
        late_join_record(
            case=case,
            flat=flat(case, "202"),
            actor=actor,
            joined_on=TODAY() + datetime.timedelta(days=1),
            counterparty="王五",
        )
    assert not LateJoin.objects.exists()
    assert not LedgerEntry.objects.filter(kind__in=[LedgerKind.LATE_JOIN, LedgerKind.LATE_JOIN_SHARE]).exists()
    late_join_record(case=case, flat=flat(case, "202"), actor=actor, joined_on=TODAY(), counterparty="王五")
    with pytest.raises(ValidationError, match="不能重复登记"):
        late_join_record(case=case, flat=flat(case, "202"), actor=actor, joined_on=TODAY(), counterparty="王五")


def test_late_join_entries_are_not_recorded_nor_reversed_one_by_one(registered):
    case = funded_case()
    paid_up(case, "201")
    actor = officer(case.jurisdiction.code)
    with pytest.raises(ValidationError, match="不能单独登记"):
        ledger_entry_record(
            case=case,
            actor=actor,
            kind=LedgerKind.LATE_JOIN,
            date=TODAY(),
            amount="1.00",
            counterparty="王五",
            flat=flat(case, "202"),
        )
    join = late_join_record(case=case, flat=flat(case, "202"), actor=actor, joined_on=TODAY(), counterparty="王五")
    with pytest.raises(ValidationError, match="不能单独冲销"):
        ledger_entry_reverse(entry=join.entry, actor=actor, reason="录错")


# --- a sold flat ----------------------------------------------------------------------------


def test_a_sale_moves_the_account_and_keeps_what_the_old_owner_paid():
    case = funded_case("100000.00")
    actor = officer(case.jurisdiction.code)
    contribute(case, "201", "10000.00")
    transfer = flat_transfer_record(
        case=case, flat=flat(case, "201"), actor=actor, transferred_on=TODAY(), new_owners="赵六"
    )
    contribute(case, "201", "11428.57")
    page = flat_account(case=case, flat_id=flat(case, "201").pk)
    before, after = page.holders
    assert before.paid == Decimal("10000.00") and before.until == TODAY() and before.owners == transfer.previous_owners
    assert after.owners == "赵六" and after.paid == Decimal("11428.57") and after.since == TODAY()
    assert page.account.status == PaidStatus.PAID
    assert transfer.paid_before == Decimal("10000.00")
    assert AuditEvent.objects.filter(event="flat_transfer_recorded").count() == 1
    with pytest.raises(ValidationError, match="与原业主相同"):
        flat_transfer_record(case=case, flat=flat(case, "201"), actor=actor, transferred_on=TODAY(), new_owners="赵六")
    with pytest.raises(ValidationError, match="早于上一次过户"):
        flat_transfer_record(
            case=case,
            flat=flat(case, "201"),
            actor=actor,
            transferred_on=TODAY() - datetime.timedelta(days=1),
            new_owners="钱七",
        )
    for bad in ("", "@SUM(A1)", "名" * 300):
        with pytest.raises(ValidationError):
            flat_transfer_record(case=case, flat=flat(case, "201"), actor=actor, transferred_on=TODAY(), new_owners=bad)
    with pytest.raises(PermissionDenied):
        flat_transfer_record(
            case=case,
            flat=flat(case, "201"),
            actor=officer(case.jurisdiction.code, role="planning_reviewer"),
            transferred_on=TODAY(),
            new_owners="钱七",
        )
    assert FlatTransfer.objects.count() == 1


# --- totals net of reversals ------------------------------------------------------------------


def test_totals_are_net_of_reversals():
    case = funded_case()
    actor = officer(case.jurisdiction.code)
    wrong = contribute(case, "201", "500.00")
    contribute(case, "202", "300.00")
    fee = pay(case, LedgerKind.FEE, "20.00")
    ledger_entry_reverse(entry=wrong, actor=actor, reason="录错房号")
    ledger_entry_reverse(entry=fee, actor=actor, reason="重复登记")
    ledger = case_ledger(case=case)
    assert ledger.total_in == Decimal("300.00")
    assert ledger.total_out == Decimal("0.00")
    assert ledger.balance == Decimal("300.00")
    statement = month_statement(case=case, month=TODAY())
    assert statement.month_in == Decimal("300.00") and statement.month_out == Decimal("0.00")


def test_a_mistaken_joining_is_reversed_as_a_whole_and_the_flat_may_join_again(registered):
    case = funded_case("100000.00")
    paid_up(case, "201", "301", "302")
    actor = officer(case.jurisdiction.code)
    join = late_join_record(case=case, flat=flat(case, "202"), actor=actor, joined_on=TODAY(), counterparty="王五")
    before = case_ledger(case=case).balance
    with pytest.raises(ValidationError, match="请填写冲销原因"):
        late_join_reverse(late_join=join, actor=actor, reason="  ")
    with pytest.raises(PermissionDenied):
        late_join_reverse(late_join=join, actor=officer(case.jurisdiction.code, role="fund_reviewer"), reason="错")
    late_join_reverse(late_join=join, actor=actor, reason="补缴人为202室租户，并非业主")
    ledger = case_ledger(case=case)
    accounts = {a.room: a for a in ledger.accounts}
    assert accounts["202"].late_join is None and accounts["202"].paid == 0
    assert all(a.shared_back == 0 for a in ledger.accounts)
    assert accounts["201"].status == PaidStatus.PAID
    assert ledger.balance == before
    # Net of reversals: the joining is neither income nor expense any more.
    assert ledger.total_in == Decimal("78571.43") and ledger.total_out == 0
    assert AuditEvent.objects.filter(event="late_join_reversed").count() == 1
    with pytest.raises(ValidationError, match="不能重复冲销"):
        late_join_reverse(late_join=join, actor=actor, reason="再次")
    again = late_join_record(case=case, flat=flat(case, "202"), actor=actor, joined_on=TODAY(), counterparty="王五")
    assert again.number.endswith("HJ02")
    assert {a.room: a for a in case_ledger(case=case).accounts}["202"].late_join == again
