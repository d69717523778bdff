"""The using unit's account on a phone: it signs in, the home page leads to 我管理的电梯, the
overdue use registration shows there, it opens the register and records a maintenance
visit; the page has no horizontal scroll at 390 px."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.tests.factories import officer
from conftest import login
from upkeep import services
from upkeep.models import MaintenanceVisit

from .helpers import with_register
from .test_using_unit import using_unit_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_the_using_unit_signs_in_sees_its_warning_and_records_a_visit(phone_page, live_server):
    page = phone_page
    today = timezone.localdate()
    case = with_register(first_used_on=today - datetime.timedelta(days=45))
    user = using_unit_user(full_name="陈建平")
    services.using_unit_member_add(case=case, actor=officer(case.jurisdiction.code), username=user.username)

    # Signing in lands on its own page (the staff home page sends it there).
    login(page, live_server, user.username)
    expect(page.get_by_role("heading", name="我管理的电梯")).to_be_visible()
    block = page.locator(f"#upkeep-managed-{case.pk}")
    expect(block).to_contain_text(case.number)
    expect(block).to_contain_text("35052")
    expect(block.locator(".upkeep-managed-warnings")).to_contain_text("使用登记已逾期")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    block.get_by_role("link", name="查看档案、登记维护保养或检验").click()
    expect(page.get_by_role("heading", name=f"电梯使用管理档案 · {case.number}")).to_be_visible()
    page.fill("#id_visited_on", today.isoformat())
    page.fill("#id_done_by", "林志强")
    page.fill("#id_work", "半月维护保养：门系统、曳引机、制动器。")
    page.click("#upkeep-visit-submit")
    expect(page.get_by_text("已登记维护保养记录。")).to_be_visible()
    expect(page.locator("#upkeep-visits")).to_contain_text("林志强")
    assert MaintenanceVisit.objects.get(register__case=case).recorded_by_id == user.pk
    # Nothing of the office's: no share table, no link to the case page.
    expect(page.locator("#upkeep-exports")).to_have_count(0)
    expect(page.locator(f"a[href='{reverse('admin:cases_case_change', args=[case.pk])}']")).to_have_count(0)
    page.screenshot(path="/tmp/uu-register-phone.png", full_page=True)
    page.goto(live_server.url + reverse("admin:upkeep_my_registers"))
    page.screenshot(path="/tmp/uu-mine-phone.png", full_page=True)
