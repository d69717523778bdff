"""An owner votes on a 390 px phone in a real browser (Debian's Chromium through
Playwright): sign in, the motion, 同意, the confirmation, the receipt and its PDF, the
public check of the receipt's QR code."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from owners.models import BallotReceipt

from .factories import PASSWORD
from .vote_helpers import owner_account, voting_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_an_owner_votes_on_a_phone_and_reads_the_receipt(phone_page, live_server):
    page = phone_page
    case, _vote = voting_case()
    account = owner_account(case, "101")
    page.goto(live_server.url + reverse("owners:login") + "?next=" + reverse("owners:vote", args=[case.pk]))
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="业主表决")).to_be_visible()
    expect(page.get_by_text("420,000.00 元")).to_be_visible()
    # Keyboard only: the first choice focused, the arrow moves to the next one.
    page.get_by_label("同意").focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("反对")).to_be_checked()
    page.get_by_label("同意").check()
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_role("heading", name="请确认您的表决意见：同意")).to_be_visible()
    page.get_by_role("button", name="确认提交").click()

    expect(page.get_by_role("heading", name="网上表决回执")).to_be_visible()
    receipt = BallotReceipt.objects.get()
    grouped = f"{receipt.code[:4]}-{receipt.code[4:8]}-{receipt.code[8:]}"
    expect(page.locator("main")).to_contain_text(grouped)
    expect(page.locator("main")).to_contain_text("同意")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    pdf = page.request.get(live_server.url + page.get_by_role("link", name="打印回执").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    page.goto(live_server.url + reverse("owners:receipt_verify", args=[receipt.code]))
    expect(page.locator("main")).to_contain_text("这是本平台出具的真实回执")
    expect(page.locator("main")).not_to_contain_text("同意")
