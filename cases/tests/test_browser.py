"""Journeys in a real browser (Debian's Chromium through Playwright)."""

import pytest
from playwright.sync_api import expect

from conftest import login

from .factories import UserFactory, jurisdiction, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_officer_signs_in_finds_a_case_and_sees_its_flats(page, live_server):
    mine = open_case()
    other = open_case(jurisdiction=jurisdiction("LC"))
    UserFactory(username="fz_officer", with_role="district_officer")

    login(page, live_server, "fz_officer")
    expect(page.locator("#portal-summary")).to_contain_text("丰泽区 · 办理中案件 1 件")
    page.get_by_role("link", name="1. 方案初审").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(mine.number)
    assert other.number not in page.content()

    rows.first.get_by_role("link", name=mine.number).click()
    flat_table = page.locator(".field-flat_table")
    for flat in mine.unit.flats.all():
        expect(flat_table).to_contain_text(flat.room)


def test_back_office_works_on_a_phone(phone_page, live_server):
    open_case()
    UserFactory(username="fz_officer", with_role="district_officer")
    login(phone_page, live_server, "fz_officer")
    expect(phone_page.locator("#portal-summary")).to_be_visible()
    phone_page.goto(f"{live_server.url}/admin/cases/case/")
    expect(phone_page.locator("#result_list")).to_be_visible()
    # No horizontal scrolling of the whole page on a 390 px screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
