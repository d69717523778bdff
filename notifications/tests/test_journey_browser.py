"""Issue 16 §2 in a real browser (Debian's Chromium through Playwright): the applicant submits
a step online and the department's officer finds it in the inbox (the header counts it),
opens it onto the case page and returns the step with a reason; the applicant finds the
return, with the reason, in their own inbox."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import login
from notifications.models import Notification

from .helpers import case_with_applicant, housing_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]

REASON = "公示照片看不清张贴日期，请重拍后重新申报。"


def _session(browser, live_server, username, width=1280):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, username)
    return context, page


def test_submit_tells_the_officer_and_the_return_tells_the_applicant(browser, live_server):
    case, applicant = case_with_applicant()
    clerk = housing_officer(case)
    case_url = f"{live_server.url}/admin/cases/case/{case.pk}/change/"
    inbox_url = live_server.url + reverse("admin:notifications_inbox")

    # 1. The applicant submits step 2 online.
    applicant_context, desk = _session(browser, live_server, applicant.username)
    desk.goto(case_url)
    desk.locator("#step-2").get_by_role("link", name="网上申报", exact=True).click()
    desk.get_by_role("button", name="网上申报").click()
    expect(desk.locator("#step-2 .step-state")).to_have_text("待审查")

    # 2. The officer sees it counted in the header and listed in the inbox, and opens it.
    officer_context, office = _session(browser, live_server, clerk.username)
    office.goto(live_server.url + "/admin/")
    expect(office.locator("#header-inbox")).to_contain_text("（1）")
    office.locator("#header-inbox").click()
    row = office.locator(".inbox-row.is-unread")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"【待审查】{case.number} 公示见证")
    expect(row).to_contain_text("网上申报")
    row.get_by_role("link").click()
    expect(office).to_have_url(case_url)
    assert Notification.objects.get(user=clerk).read_at is not None

    # 3. The officer returns the step with a reason.
    office.locator("#step-2").get_by_role("link", name="退回补正", exact=True).click()
    office.get_by_label("理由").fill(REASON)
    office.get_by_role("button", name="退回补正").click()
    expect(office.locator("#step-2 .step-state")).to_have_text("退回补正")
    office.goto(inbox_url)
    expect(office.locator("#inbox-summary")).to_have_text("没有未读通知")
    officer_context.close()

    # 4. The applicant finds the return and its reason in their inbox, on a phone too.
    desk.goto(inbox_url)
    returned = desk.locator(".inbox-row.is-unread")
    expect(returned).to_have_count(1)
    expect(returned).to_contain_text(f"【退回补正】{case.number} 公示见证")
    expect(returned).to_contain_text(REASON)
    applicant_context.close()
    phone_context, phone = _session(browser, live_server, applicant.username, width=390)
    phone.goto(inbox_url)
    expect(phone.locator(".inbox-row.is-unread")).to_contain_text(REASON)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.locator("#inbox-read-all").click()
    expect(phone.locator("#inbox-summary")).to_have_text("没有未读通知")
    phone_context.close()
