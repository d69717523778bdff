"""The ledger in a real browser (Debian's Chromium through Playwright): the district officer
records an owner's contribution with its bank slip from the case page's money panel, a
mistaken amount is refused in Chinese; an owner of the unit then reads the ledger on a
390 px phone: the balance, their flat's status, rooms and no other owner's name."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Owner
from cases.tests.factories import PDF_BYTES, officer
from conftest import login
from funding.models import LedgerEntry
from owners.tests.factories import PASSWORD, activated

from .test_ledger import funded_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_staff_record_a_contribution_and_an_owner_reads_the_ledger_on_a_phone(page, phone_page, live_server, tmp_path):
    case = funded_case("100000.00")
    user = officer("FZ")
    slip = tmp_path / "银行回单.pdf"
    slip.write_bytes(PDF_BYTES)

    login(page, live_server, user.username)
    page.goto(live_server.url + reverse("admin:cases_case_change", args=[case.pk]))
    page.locator("#money-ledger-link").click()
    expect(page.locator("h1")).to_contain_text("收支台账")
    form = page.locator("#ledger-entry-form")
    form.locator("#id_kind").select_option("contribution")
    form.locator("#id_amount").fill("21428.575")
    form.locator("#id_flat").select_option(label="201")
    form.locator("#id_counterparty").fill("201室业主")
    form.locator("#id_voucher").set_input_files(str(slip))
    form.locator("input[type=submit]").click()
    expect(page.locator("#entry-errors")).to_contain_text("金额只能精确到分")
    assert not LedgerEntry.objects.exists()
    form = page.locator("#ledger-entry-form")
    form.locator("#id_amount").fill("21428.57")
    form.locator("#id_voucher").set_input_files(str(slip))  # a refused form never keeps a file
    form.locator("input[type=submit]").click()
    expect(page.locator("#ledger-balance")).to_have_text("21428.57")
    entry = LedgerEntry.objects.get()
    assert entry.amount == Decimal("21428.57") and entry.voucher_name == "银行回单.pdf"

    owner = Owner.objects.filter(ownerships__flat__unit=case.unit, ownerships__flat__room="201").first()
    account, owner, case = activated(case, owner=owner)
    others = list(
        Owner.objects.filter(ownerships__flat__unit=case.unit).exclude(pk=owner.pk).values_list("name", flat=True)
    )
    phone = phone_page
    phone.goto(live_server.url + reverse("owners:login") + "?next=" + reverse("owners:case", args=[case.pk]))
    phone.get_by_label("手机号码").fill(account.mobile)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("link", name="收支公开").click()
    expect(phone.locator("#owner-ledger-balance")).to_have_text("21428.57")
    mine = phone.locator("#owner-ledger-accounts tr.table-primary")
    expect(mine).to_contain_text("201")
    expect(mine).to_contain_text("已缴清")
    expect(phone.locator("#owner-ledger-entries")).to_contain_text("201室")
    text = phone.locator("main").inner_text()
    assert not any(name in text for name in others)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.screenshot(path=str(tmp_path / "owner-ledger.png"), full_page=True)
    with phone.expect_download() as download:
        phone.get_by_role("link", name="查看凭证").click()
    assert download.value.suggested_filename.endswith("银行回单.pdf")
