"""Withdrawals for a flat's share and the district's subsidy (issue 15 §2) through the services:
every rule refuses with its name and numbers in Chinese, Decimal to the fen, nothing
half-saved, each write logged."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Owner
from cases.tests.factories import PDF_BYTES, UserFactory, jurisdiction, officer
from funding import services_withdrawal as services
from funding.models import FundingRules, LedgerEntry, LedgerKind, SubsidyClaim, Withdrawal
from funding.selectors_withdrawal import flat_caps, rules_for, shares_and_subsidy
from funding.services_withdrawal import MaintenanceRow
from funding.withdrawal_rules import maintenance_most, years_after
from owners.tests.factories import activated
from upkeep.models import Register

from .test_ledger import funded_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jurisdictions")]

TODAY = timezone.localdate
# funded_case(): 100000.00 shared by four flats on floors 2 (0.60) and 3 (0.80).
SHARE_201 = Decimal("21428.57")
SHARE_301 = Decimal("28571.43")


def registered(case, days_ago=30):
    on = TODAY() - datetime.timedelta(days=days_ago)
    Register.objects.update_or_create(
        case=case, defaults={"registered_on": on, "registration_certificate": "梯11闽C00512(26)"}
    )
    return on


def fund_reviewer(code="FZ"):
    return officer(code, role="fund_reviewer")


def owner_of(case, room, mobile="13900000001"):
    owner = Owner.objects.filter(ownerships__flat__unit=case.unit, ownerships__flat__room=room).first()
    account, owner, case = activated(case, owner=owner, mobile=mobile)
    return account.user, owner


def flat(case, room):
    return case.unit.flats.get(room=room)


def apply(case, actor, room="201", amount="10000.00", **kwargs):
    values = {
        "applicant_name": "张三",
        "relation": "owner",
        "payee_bank": "中国建设银行泉州分行",
        "payee_account": "6217 0012 3456 7890",
    }
    values.update(kwargs)
    return services.provident_withdrawal_apply(case=case, actor=actor, flat=flat(case, room), amount=amount, **values)


@pytest.fixture
def case():
    c = funded_case("100000.00")
    registered(c)
    return c


def test_an_owner_applies_online_and_the_fund_reviewer_approves(case):
    user, owner = owner_of(case, "201")
    w = apply(case, user, amount="20000.00", applicant_name=owner.name)
    assert w.state == "submitted" and w.channel == "online"
    assert w.number == f"{case.number}-GJJ001" and w.amount == Decimal("20000.00")
    assert w.payee_account == "6217001234567890"
    reviewer = fund_reviewer()
    w = services.withdrawal_decide(withdrawal=w, actor=reviewer, decision="approve")
    assert w.state == "approved" and w.decided_by == reviewer
    events = list(AuditEvent.objects.filter(case=case).values_list("event", flat=True))
    assert "withdrawal_applied" in events and "withdrawal_decided" in events
    assert owner.name not in AuditEvent.objects.get(event="withdrawal_applied").message


def test_before_the_use_registration_nothing_may_be_withdrawn():
    case = funded_case()
    user, _ = owner_of(case, "201")
    with pytest.raises(ValidationError, match="电梯尚未办理使用登记"):
        apply(case, user)
    assert not Withdrawal.objects.exists()


def test_the_window_after_the_use_registration_is_named_with_its_last_day(case):
    on = registered(case, days_ago=3 * 366)
    user, _ = owner_of(case, "201")
    last = years_after(on, 3) - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match=f"3年内申请，即{last.isoformat()}前"):
        apply(case, user)
    # The office's own window (资金规则) replaces the default.
    FundingRules.objects.create(jurisdiction=case.jurisdiction, provident_window_years=5)
    assert apply(case, user).state == "submitted"


def test_only_the_owner_spouse_or_child_may_withdraw(case):
    user, _ = owner_of(case, "201")
    with pytest.raises(ValidationError, match="申请人须为业主本人、配偶、子女"):
        apply(case, user, relation="parent")
    with pytest.raises(ValidationError, match="请选择申请人与产权人的关系"):
        apply(case, user, relation="neighbour")
    with override_settings(FUNDING_PROVIDENT_RELATIONS=["owner", "spouse", "child", "parent"]):
        assert apply(case, user, relation="parent").relation == "parent"


def test_once_per_flat_until_a_rejection(case):
    user, _ = owner_of(case, "201")
    first = apply(case, user)
    with pytest.raises(ValidationError, match=f"201室已有申请{first.number}（待审核）"):
        apply(case, user, amount="100.00")
    services.withdrawal_decide(withdrawal=first, actor=fund_reviewer(), decision="reject", note="材料不全")
    second = apply(case, user, amount="100.00")
    assert second.number.endswith("GJJ002")


def test_the_database_keeps_one_live_application_per_flat(case):
    user, _ = owner_of(case, "201")
    first = apply(case, user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Withdrawal.objects.create(
            case=case,
            flat=first.flat,
            source=first.source,
            number="X-1",
            state="submitted",
            channel="online",
            applicant_name="x",
            relation="owner",
            amount=Decimal("1"),
            payee_bank="x",
            payee_account="12345678",
            verify_code="ZZZZ",
            submitted_at=timezone.now(),
        )


def test_more_than_the_share_is_refused_naming_the_limit_and_the_numbers(case):
    user, _ = owner_of(case, "201")
    with pytest.raises(ValidationError) as refused:
        apply(case, user, amount="21428.58")
    text = refused.value.messages[0]
    assert "超过提取上限" in text and f"分摊额{SHARE_201}元" in text and "本次最多可申请21428.57元" in text
    assert apply(case, user, amount=str(SHARE_201)).amount == SHARE_201


def test_the_subsidy_lowers_the_cap_by_the_flats_part_exactly(case):
    FundingRules.objects.create(jurisdiction=case.jurisdiction, subsidy_per_elevator=Decimal("10000.00"))
    rules = rules_for(case.jurisdiction)
    _, share, part = shares_and_subsidy(case=case, rules=rules)
    assert sum(part.values()) == Decimal("10000.00")
    assert all(part[pk] <= share[pk] for pk in share)
    p201 = part[flat(case, "201").pk]
    assert p201 == Decimal("2142.86")  # 0.6 / 2.8 of 10000, the fen by the largest remainder
    user, _ = owner_of(case, "201")
    with pytest.raises(ValidationError, match=f"应得补贴{p201}元"):
        apply(case, user, amount=str(SHARE_201))
    assert apply(case, user, amount=str(SHARE_201 - p201)).state == "submitted"


def test_provident_and_maintenance_fund_together_stay_within_the_share(case):
    rep_user, rep = owner_of(case, "301", mobile="13900000002")
    case.representatives.add(rep)
    user, _ = owner_of(case, "201")
    apply(case, user, amount="15000.00")
    with pytest.raises(ValidationError) as refused:
        services.maintenance_withdrawal_apply(
            case=case,
            actor=rep_user,
            rows=[MaintenanceRow(flat=flat(case, "201"), amount="7000.00", fund_balance="20000.00")],
            payee_bank="泉州银行",
            payee_account="62170000111122223333",
        )
    text = refused.value.messages[0]
    assert "已申请公积金15000.00元" in text and "本次最多可申请6428.57元" in text
    made = services.maintenance_withdrawal_apply(
        case=case,
        actor=rep_user,
        rows=[MaintenanceRow(flat=flat(case, "201"), amount="6428.57", fund_balance="20000.00")],
        payee_bank="泉州银行",
        payee_account="62170000111122223333",
    )
    caps = flat_caps(case=case, rules=rules_for(case.jurisdiction))
    assert caps[flat(case, "201").pk].left == Decimal("0.00")
    assert made[0].number == f"{case.number}-WXZJ001"


def test_the_maintenance_fund_keeps_its_minimum_and_is_for_the_representative(case):
    rep_user, rep = owner_of(case, "301", mobile="13900000002")
    other, _ = owner_of(case, "201")
    rows = [
        MaintenanceRow(flat=flat(case, "201"), amount="7000.00", fund_balance="10000.00"),
        MaintenanceRow(flat=flat(case, "302"), amount="7001.00", fund_balance="10000.00"),
    ]
    with pytest.raises(PermissionDenied, match="业主代表"):
        services.maintenance_withdrawal_apply(
            case=case, actor=other, rows=rows, payee_bank="泉州银行", payee_account="62170000111122223333"
        )
    case.representatives.add(rep)
    with pytest.raises(ValidationError, match="302室分户维修资金余额10000.00元，须留存不少于30%，最多可提取7000.00元"):
        services.maintenance_withdrawal_apply(
            case=case, actor=rep_user, rows=rows, payee_bank="泉州银行", payee_account="62170000111122223333"
        )
    assert not Withdrawal.objects.exists()  # all or none: 201's row was not kept either
    assert maintenance_most(balance=Decimal("333.33"), keep_percent=Decimal("30")) == Decimal("233.33")


def test_the_maintenance_window_is_one_year_by_default(case):
    registered(case, days_ago=400)
    rep_user, rep = owner_of(case, "301", mobile="13900000002")
    case.representatives.add(rep)
    with pytest.raises(ValidationError, match="使用住宅专项维修资金须在电梯使用登记.*后1年内申请"):
        services.maintenance_withdrawal_apply(
            case=case,
            actor=rep_user,
            rows=[MaintenanceRow(flat=flat(case, "201"), amount="100", fund_balance="1000")],
            payee_bank="泉州银行",
            payee_account="62170000111122223333",
        )


def test_who_decides(case):
    user, _ = owner_of(case, "201")
    w = apply(case, user)
    with pytest.raises(PermissionDenied, match="公积金审查员"):
        services.withdrawal_decide(withdrawal=w, actor=officer("FZ"), decision="approve")
    with pytest.raises(PermissionDenied):
        services.withdrawal_decide(withdrawal=w, actor=fund_reviewer("JJ"), decision="approve")
    with pytest.raises(PermissionDenied):
        services.withdrawal_decide(withdrawal=w, actor=UserFactory(with_role="city_supervisor"), decision="approve")
    assert Withdrawal.objects.get().state == "submitted"


def test_a_return_gives_its_reason_and_the_applicant_resubmits(case):
    user, _ = owner_of(case, "201")
    w = apply(case, user)
    reviewer = fund_reviewer()
    with pytest.raises(ValidationError, match="“退回补正”须写明理由"):
        services.withdrawal_decide(withdrawal=w, actor=reviewer, decision="return")
    w = services.withdrawal_decide(withdrawal=w, actor=reviewer, decision="return", note="请补充结婚证复印件")
    assert w.state == "returned"
    with pytest.raises(ValidationError, match="“审查通过”只能在待审核状态下进行，当前状态为“退回补正”"):
        services.withdrawal_decide(withdrawal=w, actor=reviewer, decision="approve")
    w = services.withdrawal_resubmit(
        withdrawal=w, actor=user, amount="9000.00", payee_bank="中国银行", payee_account="62160000000011112222"
    )
    assert w.state == "submitted" and w.amount == Decimal("9000.00")
    w = services.withdrawal_decide(withdrawal=w, actor=reviewer, decision="approve")
    with pytest.raises(ValidationError, match="当前状态为“已核准”"):
        services.withdrawal_decide(withdrawal=w, actor=reviewer, decision="reject", note="x")
    history = list(w.moves.order_by("at", "pk").values_list("move", "from_state", "to_state", "note"))
    assert history == [
        ("submit", "", "submitted", ""),
        ("return", "submitted", "returned", "请补充结婚证复印件"),
        ("submit", "returned", "submitted", ""),
        ("approve", "submitted", "approved", ""),
    ]


def test_an_owner_applies_only_for_their_own_flat_and_the_window_takes_any(case):
    user, _ = owner_of(case, "201")
    with pytest.raises(PermissionDenied, match="本人名下"):
        apply(case, user, room="301")
    w = apply(case, fund_reviewer(), room="301", applicant_name="李四")
    assert w.channel == "window"
    with pytest.raises(PermissionDenied, match="窗口受理"):
        apply(case, fund_reviewer("JJ"), room="302")
    with pytest.raises(PermissionDenied):
        apply(case, officer("FZ", role="planning_reviewer"), room="302")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "", "请填写申请金额"),
        ("amount", "abc", "申请金额格式不正确"),
        ("amount", "-5", "申请金额必须大于零"),
        ("amount", "0", "申请金额必须大于零"),
        ("amount", "100.001", "分"),
        ("amount", "9" * 40, "申请金额格式不正确"),
        ("amount", "NaN", "申请金额格式不正确"),
        ("amount", 100.5, "申请金额格式不正确"),  # a float never enters
        ("applicant_name", "", "请填写申请人姓名"),
        ("applicant_name", "=HYPERLINK(1)", "不能以 = + - @ 开头"),
        ("applicant_name", "张" * 65, "不能超过64字"),
        ("payee_account", "62AB12345678", "收款账号应为8至30位数字"),
        ("payee_account", "1234", "收款账号应为8至30位数字"),
        ("payee_account", "６２１７００１２３４５６", "收款账号应为8至30位数字"),
        ("payee_bank", "@bank", "不能以 = + - @ 开头"),
    ],
)
def test_hostile_input_is_refused_in_chinese_with_nothing_written(case, field, value, message):
    user, _ = owner_of(case, "201")
    kwargs = {field: value}
    amount = kwargs.pop("amount", "100.00")
    with pytest.raises(ValidationError, match=re.escape(message)):
        apply(case, user, amount=amount, **kwargs)
    assert not Withdrawal.objects.exists()
    assert not AuditEvent.objects.filter(event="withdrawal_applied").exists()


# --- the subsidy ---------------------------------------------------------------------------


def test_the_subsidy_is_claimed_after_the_registration_and_entered_in_the_ledger_when_paid():
    case = funded_case()
    clerk = officer("FZ")
    with pytest.raises(ValidationError, match="使用登记后凭使用登记证申请"):
        services.subsidy_claim(case=case, actor=clerk, certificate="梯11闽C00512(26)")
    registered(case)
    with pytest.raises(ValidationError, match="未设定增设电梯补贴"):
        services.subsidy_claim(case=case, actor=clerk, certificate="梯11闽C00512(26)")
    with override_settings(FUNDING_SUBSIDY_PER_ELEVATOR="50000.00"):
        with pytest.raises(PermissionDenied):
            services.subsidy_claim(case=case, actor=fund_reviewer(), certificate="梯11闽C00512(26)")
        claim = services.subsidy_claim(case=case, actor=clerk, certificate="梯11闽C00512(26)")
        with pytest.raises(ValidationError, match="不能重复申请"):
            services.subsidy_claim(case=case, actor=clerk, certificate="梯11闽C00512(26)")
    assert claim.amount == Decimal("50000.00")
    # The claim's amount counts from now on, whatever the setting says later.
    _, _share, part = shares_and_subsidy(case=case, rules=rules_for(case.jurisdiction))
    assert sum(part.values()) == Decimal("50000.00")
    slip = SimpleUploadedFile("补贴到账回单.pdf", PDF_BYTES, content_type="application/pdf")
    claim = services.subsidy_paid(claim=claim, actor=clerk, date=TODAY(), voucher=slip)
    entry = LedgerEntry.objects.get(kind=LedgerKind.SUBSIDY)
    assert claim.ledger_entry == entry and entry.amount == Decimal("50000.00") and entry.direction == "in"
    with pytest.raises(ValidationError, match="补贴已入账"):
        services.subsidy_paid(claim=SubsidyClaim.objects.get(), actor=clerk, date=TODAY())
    assert LedgerEntry.objects.count() == 1
    assert {"subsidy_claimed", "subsidy_paid", "ledger_entry_recorded"} <= set(
        AuditEvent.objects.values_list("event", flat=True)
    )


def test_an_approval_checks_the_cap_again_after_a_subsidy_was_claimed(case):
    user, _ = owner_of(case, "201")
    w = apply(case, user, amount=str(SHARE_201))
    with override_settings(FUNDING_SUBSIDY_PER_ELEVATOR="10000.00"):
        services.subsidy_claim(case=case, actor=officer("FZ"), certificate="梯11闽C00512(26)")
    with pytest.raises(ValidationError, match="超过提取上限"):
        services.withdrawal_decide(withdrawal=w, actor=fund_reviewer(), decision="approve")
    assert Withdrawal.objects.get().state == "submitted"


def test_the_rules_fall_back_to_the_settings(case):
    rules = rules_for(case.jurisdiction)
    assert rules.provident_window_years == 3 and rules.maintenance_window_years == 1
    assert rules.maintenance_keep_percent == Decimal("30") and rules.subsidy_per_elevator is None
    FundingRules.objects.create(jurisdiction=jurisdiction("FZ"), maintenance_keep_percent=Decimal("50"))
    assert rules_for(case.jurisdiction).maintenance_keep_percent == Decimal("50")


def test_an_approved_withdrawal_is_entered_in_the_ledger_once_and_counts_to_the_flat(case):
    from funding.selectors_ledger import case_ledger

    user, _ = owner_of(case, "201")
    w = apply(case, user, amount="20000.00")
    clerk = officer("FZ")
    with pytest.raises(ValidationError, match="只有已核准的申请可以登记到账，当前状态为“待审核”"):
        services.withdrawal_paid(withdrawal=w, actor=clerk, date=TODAY())
    w = services.withdrawal_decide(withdrawal=w, actor=fund_reviewer(), decision="approve")
    with pytest.raises(PermissionDenied):
        services.withdrawal_paid(withdrawal=w, actor=fund_reviewer(), date=TODAY())
    w = services.withdrawal_paid(withdrawal=w, actor=clerk, date=TODAY())
    entry = LedgerEntry.objects.get()
    assert entry.kind == LedgerKind.PROVIDENT_FUND and entry.flat.room == "201" and entry.amount == Decimal("20000.00")
    assert w.ledger_entry == entry
    with pytest.raises(ValidationError, match="已登记到账"):
        services.withdrawal_paid(withdrawal=w, actor=clerk, date=TODAY())
    account = next(a for a in case_ledger(case=case).accounts if a.room == "201")
    assert account.paid == Decimal("20000.00") and account.owing == SHARE_201 - Decimal("20000.00")
    assert AuditEvent.objects.filter(event="withdrawal_paid").count() == 1


def test_a_subsidy_that_would_put_an_approved_withdrawal_over_the_cap_is_refused_naming_the_flat(case):
    # Approved at the full cap while the office granted no subsidy; the office then sets one:
    # claiming it would make 201's withdrawal more than its share less its part.
    user, _ = owner_of(case, "201")
    w = apply(case, user, amount=str(SHARE_201))
    services.withdrawal_decide(withdrawal=w, actor=fund_reviewer(), decision="approve")
    with override_settings(FUNDING_SUBSIDY_PER_ELEVATOR="10000.00"):
        with pytest.raises(ValidationError, match=f"201室已核准{SHARE_201}元，上限") as refused:
            services.subsidy_claim(case=case, actor=officer("FZ"), certificate="梯11闽C00512(26)")
    assert refused.value.code == "cap"
    assert not SubsidyClaim.objects.exists()
