"""Issue 15 §4's journey in a real browser (Debian's Chromium through Playwright): the district
officer records two owners' contributions with their bank slips; an owner reads the ledger
on a 390 px phone and applies to withdraw provident fund for the flat's share (refused
first, naming the limit, when asking for more); the 公积金 reviewer of the office approves it
and the owner sees it approved.

The elevator's use registration was made a month ago (the register's date, as upkeep
records it); time-machine moves the clock on a year so the journey also runs well inside
the three-year window on the day it runs: the server's thread moves with it."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Owner
from cases.tests.factories import PDF_BYTES, officer
from conftest import login
from demo.tests.factories import CaseFactory
from funding import services
from funding.models import FundingSourceKind, LedgerEntry, Withdrawal
from owners.tests.factories import PASSWORD, activated
from upkeep.models import Register

from .test_withdrawals import fund_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_contributions_an_owner_reads_the_ledger_on_a_phone_applies_and_the_fund_reviewer_approves(
    browser, phone_page, live_server, tmp_path
):
    case = CaseFactory(completed=True)
    services.case_set_funding(case=case, actor=None, amounts={FundingSourceKind.OWNERS: Decimal("100000.00")})
    today = timezone.localdate()
    Register.objects.create(
        case=case, registered_on=today - datetime.timedelta(days=30), registration_certificate="梯11闽C00512(26)"
    )
    clerk, reviewer = officer(case.jurisdiction.code), fund_reviewer(case.jurisdiction.code)
    slip = tmp_path / "银行回单.pdf"
    slip.write_bytes(PDF_BYTES)

    later = datetime.datetime.combine(today + datetime.timedelta(days=365), datetime.time(9, 0), tzinfo=SHANGHAI)
    with time_machine.travel(later, tick=True):
        # 1. The district officer records two contributions, each with its bank slip.
        staff_context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        staff = staff_context.new_page()
        staff.set_default_timeout(15_000)
        login(staff, live_server, clerk.username)
        staff.goto(live_server.url + reverse("admin:cases_case_change", args=[case.pk]))
        staff.locator("#money-ledger-link").click()
        for room, amount in (("201", "21428.57"), ("301", "10000.00")):
            form = staff.locator("#ledger-entry-form")
            form.locator("#id_kind").select_option("contribution")
            form.locator("#id_amount").fill(amount)
            form.locator("#id_flat").select_option(label=room)
            form.locator("#id_counterparty").fill(f"{room}室业主")
            form.locator("#id_voucher").set_input_files(str(slip))
            form.locator("input[type=submit]").click()
            expect(staff.locator(".messagelist")).to_contain_text("已登记收支分录")
        expect(staff.locator("#ledger-balance")).to_have_text("31428.57")
        assert LedgerEntry.objects.filter(case=case, voucher_name="银行回单.pdf").count() == 2
        staff_context.close()

        # 2. The owner of 201 reads the ledger on a phone, then applies.
        owner = Owner.objects.filter(ownerships__flat__unit=case.unit, ownerships__flat__room="201").first()
        account, owner, case = activated(case, owner=owner)
        phone = phone_page
        phone.set_default_timeout(15_000)
        phone.goto(live_server.url + reverse("owners:login") + "?next=" + reverse("owners:case", args=[case.pk]))
        phone.get_by_label("手机号码").fill(account.mobile)
        phone.get_by_label("密码").fill(PASSWORD)
        phone.get_by_role("button", name="登录").click()
        phone.get_by_role("link", name="收支公开").click()
        expect(phone.locator("#owner-ledger-balance")).to_have_text("31428.57")
        expect(phone.locator("#owner-ledger-accounts tr.table-primary")).to_contain_text("已缴清")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        phone.get_by_role("link", name="返回办理进度").click()
        phone.get_by_role("link", name="公积金、维修资金提取").click()
        expect(phone.locator("#owner-withdrawal-caps")).to_contain_text("21428.57")
        form = phone.locator("#provident-form")
        form.get_by_label("申请人姓名").fill(owner.name)
        form.get_by_label("与产权人关系").select_option("owner")
        form.get_by_label("申请金额（元）").fill("25000")
        form.get_by_label("收款银行").fill("中国建设银行泉州分行")
        form.get_by_label("收款账号").fill("6217 0012 3456 7890")
        form.get_by_role("button", name="提交申请").click()
        expect(phone.locator("#provident-form")).to_contain_text("本次最多可申请21428.57元")
        phone.screenshot(path=str(tmp_path / "owner-withdrawal-refused.png"), full_page=True)
        assert not Withdrawal.objects.exists()
        form = phone.locator("#provident-form")
        form.get_by_label("申请金额（元）").fill("20000.00")
        form.get_by_role("button", name="提交申请").click()
        expect(phone.locator("#withdrawal-state")).to_contain_text("待审核")
        expect(phone.locator("#withdrawal-papers")).to_contain_text("电梯使用登记证")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        phone.screenshot(path=str(tmp_path / "owner-withdrawal.png"), full_page=True)
        w = Withdrawal.objects.get()
        assert w.amount == Decimal("20000.00") and w.channel == "online"

        # 3. The 公积金 reviewer of the office approves it from the case page.
        staff_context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        staff = staff_context.new_page()
        staff.set_default_timeout(15_000)
        login(staff, live_server, reviewer.username)
        staff.goto(live_server.url + reverse("admin:cases_case_change", args=[case.pk]))
        staff.locator("#money-withdrawals-link").click()
        staff.get_by_role("link", name=w.number).click()
        staff.get_by_role("button", name="审查通过").click()
        expect(staff.locator("#withdrawal-state")).to_have_text("已核准")
        staff_context.close()
        assert Withdrawal.objects.get().state == "approved"

        # 4. The owner sees it approved.
        phone.reload()
        expect(phone.locator("#withdrawal-state")).to_contain_text("已核准")
