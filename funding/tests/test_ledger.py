"""The unit's ledger (issue 15 §1) through its services and selectors: sums exact to the fen,
entries never changed, a mistake reversed once with its reason, and every hostile input
refused in Chinese with nothing written."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from cases.tests.factories import PDF_BYTES, PNG_BYTES, officer, open_case
from funding import services
from funding.models import FundingSourceKind, ImmutableEntry, LedgerDirection, LedgerEntry, LedgerKind
from funding.selectors_ledger import PaidStatus, case_ledger, month_statement
from funding.services_ledger import ledger_entry_record, ledger_entry_reverse, milestone_add, parse_amount

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _voucher(name="发票.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def funded_case(total="100000.00"):
    """Six flats on floors 1-3 (coefficients 0, 0.60, 0.80): the four upper flats share."""
    case = open_case()
    services.case_set_funding(case=case, actor=None, amounts={FundingSourceKind.OWNERS: Decimal(total)})
    return case


def flat(case, room):
    return case.unit.flats.get(room=room)


def contribute(case, room, amount, actor=None, **kwargs):
    return ledger_entry_record(
        case=case,
        actor=actor,
        kind=LedgerKind.CONTRIBUTION,
        date=kwargs.pop("date", TODAY()),
        amount=amount,
        counterparty=kwargs.pop("counterparty", f"{room}室业主"),
        flat=flat(case, room),
        **kwargs,
    )


def pay(case, kind, amount, actor=None, **kwargs):
    return ledger_entry_record(
        case=case,
        actor=actor,
        kind=kind,
        date=kwargs.pop("date", TODAY()),
        amount=amount,
        counterparty=kwargs.pop("counterparty", "泉州市某某电梯工程有限公司"),
        voucher=kwargs.pop("voucher", _voucher()),
        **kwargs,
    )


# --- sums to the fen -------------------------------------------------------------------


def test_each_flat_owes_its_share_to_the_fen_and_the_balance_is_exact():
    case = funded_case("100000.00")
    # 0.6 + 0.6 + 0.8 + 0.8 = 2.8: 21428.57 / 21428.57 / 28571.43 / 28571.43 = 100000.00
    contribute(case, "201", "21428.57")
    contribute(case, "301", "10000.01")
    contribute(case, "302", "0.01")
    pay(case, LedgerKind.DESIGNER, "3000.10")
    ledger = case_ledger(case=case)
    accounts = {a.room: a for a in ledger.accounts}
    assert ledger.shares_total == Decimal("100000.00")
    assert accounts["201"].share == Decimal("21428.57") and accounts["201"].status == PaidStatus.PAID
    assert accounts["301"].owing == Decimal("18571.42") and accounts["301"].status == PaidStatus.PARTLY
    assert accounts["302"].owing == Decimal("28571.42")
    assert accounts["202"].status == PaidStatus.NONE and accounts["202"].owing == accounts["202"].share
    assert accounts["101"].status == PaidStatus.NO_SHARE
    assert ledger.total_in == Decimal("31428.59")
    assert ledger.total_out == Decimal("3000.10")
    assert ledger.balance == Decimal("28428.49")
    assert ledger.paid_total + ledger.owing_total == ledger.shares_total
    assert all(isinstance(a.paid, Decimal) for a in ledger.accounts)


def test_a_thousand_small_payments_add_up_exactly():
    case = funded_case()
    for _ in range(100):
        contribute(case, "201", "0.10")
    ledger = case_ledger(case=case)
    assert ledger.total_in == Decimal("10.00")
    assert {a.room: a.paid for a in ledger.accounts}["201"] == Decimal("10.00")


def test_installer_payments_count_against_their_milestones():
    case = funded_case()  # budget 420000.00
    first = milestone_add(case=case, actor=None, name="设备进场", percent="30", due_condition="设备到场验收后7日内")
    last = milestone_add(case=case, actor=None, name="质保金", amount="12600.00", due_condition="质保期满")
    pay(case, LedgerKind.INSTALLER, "100000.00", milestone=first)
    pay(case, LedgerKind.INSTALLER, "5000.00")
    rows = {r.milestone.pk: r for r in case_ledger(case=case).milestones}
    assert rows[first.pk].due == Decimal("126000.00")
    assert rows[first.pk].paid == Decimal("100000.00") and rows[first.pk].remaining == Decimal("26000.00")
    assert rows[last.pk].due == Decimal("12600.00") and rows[last.pk].paid == 0
    assert case_ledger(case=case).installer_unassigned == Decimal("5000.00")


def test_the_monthly_statement_carries_the_balance_in_and_out():
    case = funded_case()
    today = TODAY()
    first_of_month = today.replace(day=1)
    last_month = first_of_month - datetime.timedelta(days=1)
    contribute(case, "201", "1000.00", date=last_month)
    contribute(case, "202", "500.50", date=first_of_month)
    pay(case, LedgerKind.FEE, "20.25", date=today)
    statement = month_statement(case=case, month=today)
    assert statement.opening == Decimal("1000.00")
    assert statement.month_in == Decimal("500.50") and statement.month_out == Decimal("20.25")
    assert statement.closing == Decimal("1480.25")
    assert [e.kind for e in statement.entries] == [LedgerKind.CONTRIBUTION, LedgerKind.FEE]


# --- never edited, reversed once -------------------------------------------------------


def test_an_entry_is_never_changed_nor_deleted():
    case = funded_case()
    entry = contribute(case, "201", "100.00")
    entry.amount = Decimal("1.00")
    with pytest.raises(ImmutableEntry):
        entry.save()
    with pytest.raises(ImmutableEntry):
        entry.delete()
    # Past the model, the database refuses the change.
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("100.00")


def test_the_database_refuses_a_delete_on_postgres(on_postgres):
    case = funded_case()
    entry = contribute(case, "201", "100.00")
    with pytest.raises(Exception, match="never changed nor deleted"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM funding_ledgerentry WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_a_reversal_runs_the_other_way_with_its_reason_once():
    case = funded_case()
    actor = officer()
    entry = contribute(case, "201", "21428.57", actor=actor)
    reversal = ledger_entry_reverse(entry=entry, actor=actor, reason="房号登记错误，应为202室")
    assert reversal.direction == LedgerDirection.OUT and reversal.amount == entry.amount
    assert reversal.reverses == entry and reversal.flat == entry.flat
    ledger = case_ledger(case=case)
    assert ledger.balance == 0 and {a.room: a.paid for a in ledger.accounts}["201"] == 0
    assert ledger.reversed_ids == {entry.pk}
    with pytest.raises(ValidationError, match="不能重复冲销"):
        ledger_entry_reverse(entry=entry, actor=actor, reason="再冲一次")
    with pytest.raises(ValidationError, match="本身是冲销分录"):
        ledger_entry_reverse(entry=reversal, actor=actor, reason="冲销有误")
    assert LedgerEntry.objects.filter(case=case).count() == 2
    events = list(
        AuditEvent.objects.filter(case=case, event__startswith="ledger_").order_by("pk").values_list("event", flat=True)
    )
    assert events == ["ledger_entry_recorded", "ledger_entry_reversed"]


@pytest.mark.parametrize("reason", ["", "   ", None, "理" * 201])
def test_a_reversal_needs_a_reason(reason):
    case = funded_case()
    entry = contribute(case, "201", "100.00")
    with pytest.raises(ValidationError, match="冲销原因"):
        ledger_entry_reverse(entry=entry, actor=None, reason=reason)
    assert LedgerEntry.objects.filter(case=case).count() == 1


# --- who records ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", [("FZ", "planning_reviewer"), ("FZ", "city_supervisor"), ("LC", "district_officer"), ("FZ", "agent_builder")]
)
def test_only_the_cases_own_district_officer_records(who):
    case = funded_case()
    with pytest.raises(PermissionDenied, match="区住建部门"):
        contribute(case, "201", "100.00", actor=officer(*who))
    assert not LedgerEntry.objects.filter(case=case).exists()
    contribute(case, "201", "100.00", actor=officer("FZ"))
    entry = LedgerEntry.objects.get(case=case)
    with pytest.raises(PermissionDenied):
        ledger_entry_reverse(entry=entry, actor=officer("FZ", "city_supervisor"), reason="错")


# --- hostile inputs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "必须大于零"),
        ("0.00", "必须大于零"),
        ("-5", "必须大于零"),
        ("1e400", "不能超过"),
        ("100000000", "不能超过"),
        ("NaN", "格式不正确"),
        ("sNaN", "格式不正确"),
        ("Infinity", "格式不正确"),
        ("0.001", "精确到分"),
        ("1e-400", "精确到分"),
        ("十元", "格式不正确"),
        ("", "请填写金额"),
        ("9" * 40, "格式不正确"),
        (1.5, "格式不正确"),
        (True, "格式不正确"),
        (None, "格式不正确"),
    ],
)
def test_bad_amounts_are_refused_in_chinese_and_nothing_is_written(amount, words):
    case = funded_case()
    with pytest.raises(ValidationError, match=words):
        contribute(case, "201", amount)
    assert not LedgerEntry.objects.filter(case=case).exists()
    assert not AuditEvent.objects.filter(case=case, event="ledger_entry_recorded").exists()


def test_amounts_in_the_forms_people_type_are_read_exactly():
    assert parse_amount("12,345.6") == Decimal("12345.60")
    assert parse_amount(" 99999999.99 ") == Decimal("99999999.99")
    assert parse_amount(7) == Decimal("7.00")


@pytest.mark.parametrize(
    ("date", "words"),
    [
        (lambda: TODAY() + datetime.timedelta(days=1), "不能晚于今天"),
        (lambda: datetime.date(1999, 12, 31), "不能早于"),
        (lambda: "2026-01-01", "日期格式不正确"),
        (lambda: timezone.now(), "日期格式不正确"),
    ],
)
def test_dates_out_of_range_or_of_the_wrong_type_are_refused(date, words):
    case = funded_case()
    with pytest.raises(ValidationError, match=words):
        contribute(case, "201", "1.00", date=date())
    assert not LedgerEntry.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("counterparty", "words"),
    [
        ('=HYPERLINK("http://x","点我")', "不能以"),
        ("+1+1", "不能以"),
        ("@SUM(A1)", "不能以"),
        ("", "请填写收付款方"),
        ("\u202e\u200b", "请填写收付款方"),
        ("公" * 101, "不能超过100字"),
        (["list"], "格式不正确"),
    ],
)
def test_counterparty_formula_empty_huge_or_wrong_type_is_refused(counterparty, words):
    case = funded_case()
    with pytest.raises(ValidationError, match=words):
        contribute(case, "201", "1.00", counterparty=counterparty)
    assert not LedgerEntry.objects.filter(case=case).exists()


def test_invisible_characters_are_taken_out_of_the_counterparty():
    case = funded_case()
    entry = contribute(case, "201", "1.00", counterparty="张\u202e三\u0000")
    assert entry.counterparty == "张三"


def test_a_huge_note_is_refused():
    case = funded_case()
    with pytest.raises(ValidationError, match="摘要不能超过200字"):
        contribute(case, "201", "1.00", note="注" * 5000)


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (lambda: SimpleUploadedFile("发票.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"), "不是PDF"),
        (lambda: SimpleUploadedFile("空.pdf", b"", content_type="application/pdf"), "不是PDF"),
        (lambda: SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png"), "不是PDF"),
    ],
)
def test_bad_vouchers_are_refused_and_leave_no_file(upload, words, settings):
    case = funded_case()
    with pytest.raises(ValidationError, match=words):
        pay(case, LedgerKind.INSTALLER, "10.00", voucher=upload())
    assert not LedgerEntry.objects.filter(case=case).exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("ledger/*"))


def test_an_oversized_voucher_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    case = funded_case()
    with pytest.raises(ValidationError, match="超过"):
        pay(case, LedgerKind.INSTALLER, "10.00", voucher=_voucher(data=PDF_BYTES + b"0" * 2048))


def test_money_out_needs_its_voucher_and_is_stored_privately_with_its_hash():
    case = funded_case()
    with pytest.raises(ValidationError, match="支出须上传凭证"):
        pay(case, LedgerKind.SUPERVISOR, "10.00", voucher=None)
    entry = pay(case, LedgerKind.SUPERVISOR, "10.00", voucher=SimpleUploadedFile("回单.png", PNG_BYTES))
    assert entry.voucher_type == "image/png" and len(entry.voucher_sha256) == 64
    assert entry.voucher.name.startswith(f"ledger/{case.number}/") and "回单" not in entry.voucher.name


def test_a_flats_money_names_its_flat_and_other_money_does_not():
    case = funded_case()
    with pytest.raises(ValidationError, match="须注明房号"):
        ledger_entry_record(
            case=case, actor=None, kind=LedgerKind.CONTRIBUTION, date=TODAY(), amount="1.00", counterparty="某人"
        )
    with pytest.raises(ValidationError, match="不计入某一户"):
        pay(case, LedgerKind.FEE, "1.00", flat=flat(case, "201"))
    other = open_case()
    with pytest.raises(ValidationError, match="不属于本案的单元"):
        ledger_entry_record(
            case=case,
            actor=None,
            kind=LedgerKind.CONTRIBUTION,
            date=TODAY(),
            amount="1.00",
            counterparty="某人",
            flat=other.unit.flats.first(),
        )
    with pytest.raises(ValidationError, match="请选择收支类别"):
        pay(case, "bribe", "1.00")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"percent": "30", "amount": "100"}, "二者选一"),
        ({}, "二者选一"),
        ({"percent": "101"}, "不能超过100%"),
        ({"percent": "0"}, "必须大于零"),
        ({"amount": "NaN"}, "格式不正确"),
    ],
)
def test_a_milestone_has_a_percentage_or_an_amount(kwargs, words):
    case = funded_case()
    with pytest.raises(ValidationError, match=words):
        milestone_add(case=case, actor=None, name="预付款", due_condition="合同签订后", **kwargs)


def test_entries_are_numbered_in_order_per_case():
    case = funded_case()
    numbers = [contribute(case, "201", "1.00").number for _ in range(3)]
    assert numbers == [f"{case.number}-SZ0001", f"{case.number}-SZ0002", f"{case.number}-SZ0003"]
