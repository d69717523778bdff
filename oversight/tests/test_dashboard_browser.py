"""The city supervisor signs in on a 390 px phone and lands on the dashboard: every chart fits
the screen, the wide table scrolls inside its own box, the page itself does not scroll sideways."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.tests.factories import UserFactory, jurisdiction, unit_with_flats
from conftest import login
from demo.tests.factories import CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_the_supervisor_reads_the_dashboard_on_a_phone(phone_page, live_server):
    page = phone_page
    CaseFactory(at_step=1, state="submitted")
    CaseFactory(unit=unit_with_flats(jurisdiction=jurisdiction("LC")), at_step=2)
    user = UserFactory(with_role="city_supervisor")

    login(page, live_server, user.username)  # the home page is the dashboard
    assert page.url.endswith(reverse("oversight:dashboard"))
    expect(page.get_by_role("heading", name="监督看板")).to_be_visible()
    expect(page.locator("#dash-headline")).to_contain_text("办理中 2 件")
    chart = page.locator("#dash-cases svg.dash-svg")
    expect(chart).to_be_visible()
    width = page.evaluate("window.innerWidth")
    assert chart.bounding_box()["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # The office × procedure table is wider than the phone: it scrolls in its own box.
    table_box = page.locator("#dash-cases .dash-table")
    assert table_box.evaluate("e => e.scrollWidth >= e.clientWidth")
    # Narrowed to one office from the picker.
    page.select_option("#dash-office", label="鲤城区")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#dash-headline")).to_contain_text("鲤城区：办理中 1 件")
    page.screenshot(path="/tmp/oversight-dashboard-phone.png", full_page=True)
