"""Later joiners and sales in a real browser (Debian's Chromium through Playwright): the
district officer opens an unpaid flat's account from the ledger, reads the computation
(share, years, factor, amount, each paying flat's part), confirms it and sees it shared back;
records a sale, a formula refused in Chinese first; the joiner's owner reads on a 390 px
phone what was paid."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Owner
from cases.tests.factories import officer
from conftest import login
from funding.models_accounts import FlatTransfer, LateJoin
from funding.selectors_ledger import case_ledger
from owners.tests.factories import PASSWORD, activated

from .test_ledger import contribute, funded_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_staff_record_a_later_joiner_and_a_sale_and_the_owner_reads_it(page, phone_page, live_server, monkeypatch):
    registered = timezone.localdate().replace(year=timezone.localdate().year - 10) - datetime.timedelta(days=1)
    monkeypatch.setattr("funding.selectors_accounts.use_registered_on", lambda case: registered)
    case = funded_case("100000.00")
    shares = {a.room: a.share for a in case_ledger(case=case).accounts}
    for room in ("201", "301", "302"):
        contribute(case, room, str(shares[room]))

    login(page, live_server, officer("FZ").username)
    page.goto(live_server.url + reverse("admin:funding_case_ledger", args=[case.pk]))
    page.locator("#ledger-accounts").get_by_role("link", name="202").click()
    computation = page.locator("#late-join-computation")
    expect(computation).to_contain_text("21428.57")
    expect(computation).to_contain_text("10年")
    expect(computation).to_contain_text("(180−120)/120 = 0.5000")
    expect(page.locator("#late-join-amount")).to_have_text("10714.29")
    expect(page.locator("#late-join-shares")).to_contain_text("10714.29")
    page.locator("#id_counterparty").fill("202室业主 王五")
    page.locator("#late-join-form input[type=submit]").click()
    expect(page.locator("#late-join-done")).to_contain_text("10714.29")
    assert LateJoin.objects.get().amount.to_eng_string() == "10714.29"

    page.goto(
        live_server.url + reverse("admin:funding_flat_account", args=[case.pk, case.unit.flats.get(room="301").pk])
    )
    page.locator("#id_new_owners").fill("=HYPERLINK()")
    page.locator("#transfer-form input[type=submit]").click()
    expect(page.locator("#transfer-errors")).to_contain_text("不能以 = + - @ 开头")
    page.locator("#id_new_owners").fill("赵六")
    page.locator("#transfer-form input[type=submit]").click()
    expect(page.locator("#account-transfers")).to_contain_text("赵六")
    expect(page.locator("#account-holder")).to_have_text("赵六")
    assert FlatTransfer.objects.count() == 1

    owner = Owner.objects.filter(ownerships__flat__unit=case.unit, ownerships__flat__room="202").first()
    account, owner, case = activated(case, owner=owner)
    phone = phone_page
    phone.goto(live_server.url + reverse("owners:login") + "?next=" + reverse("owners:ledger", args=[case.pk]))
    phone.get_by_label("手机号码").fill(account.mobile)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    mine = phone.locator("#owner-ledger-accounts tr.table-primary")
    expect(mine).to_contain_text("后续加入")
    expect(mine).to_contain_text("已缴清")
    expect(phone.locator("#owner-ledger-entries")).to_contain_text("后续加入款分回")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
