"""Issue 14's proof in the browser: the district officer records the use registration, the
maintenance contract and an inspection on the register page of a completed case; no
warning yet; the clock moves forward (time-machine, which moves the live server's thread
too) and the inspection's warning appears, on the register page and on the case page, with
the working day to act by."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from cases.tests.factories import officer
from conftest import login
from upkeep.models import Inspection, MaintenanceContract, Register

from .helpers import completed_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=SHANGHAI)


def _open(page, live_server, url, username):
    """Open a staff page, signing in again if the moved clock has ended the session."""
    page.goto(live_server.url + url)
    if page.locator("#id_username").count():
        page.fill("#id_username", username)
        page.fill("#id_password", "pw")
        page.click("input[type=submit]")
        page.wait_for_load_state("load")


def test_record_the_register_and_see_the_warning_appear_when_the_clock_moves(page, live_server):
    with time_machine.travel(_moment(datetime.date(2026, 6, 1)), tick=True) as clock:
        case = completed_case()
        clerk = officer(case.jurisdiction.code)
        login(page, live_server, clerk.username)

        # From the case page to the register.
        page.goto(live_server.url + reverse("admin:cases_case_change", args=[case.pk]))
        page.click("#case-upkeep-link")
        expect(page.get_by_role("heading", name=f"电梯使用管理档案 · {case.number}")).to_be_visible()

        # The using unit and the elevator (the form is open on a new register).
        page.select_option("#id_using_unit_kind", "property")
        page.fill("#id_using_unit_name", "泉州市安居物业服务有限公司")
        page.fill("#id_rescue_code", "35052")
        page.fill("#id_first_used_on", "2026-05-25")
        page.click("#upkeep-register-submit")
        expect(page.get_by_text("已保存使用单位和电梯信息。")).to_be_visible()
        # Not registered yet: the registration falls due 30 days after first use.
        expect(page.locator("#upkeep-warnings")).to_contain_text("办理使用登记")

        # The use registration.
        page.fill("#id_registered_on", "2026-05-29")
        page.fill("#id_certificate", "梯11闽C00512(26)")
        page.click("#upkeep-use-submit")
        expect(page.get_by_text("已登记使用登记证。")).to_be_visible()
        expect(page.locator("#upkeep-use-registration")).to_contain_text("梯11闽C00512(26)")

        # The maintenance contract.
        page.locator("#upkeep-contracts summary").click()
        page.fill("#id_company", "泉州通达电梯维保有限公司")
        page.fill("#id_licence_number", "TS3435001-2026")
        page.fill("#id_starts_on", "2026-06-01")
        page.fill("#id_ends_on", "2027-05-31")
        page.fill("#id_price", "4800.00")
        page.click("#upkeep-contract-submit")
        expect(page.get_by_text("已登记维护保养合同。")).to_be_visible()

        # An inspection whose certificate runs out on 2026-08-10: the next one is requested
        # by 2026-07-10, 39 days ahead.
        page.locator("#upkeep-inspections summary").click()
        page.fill("#id_inspected_on", "2026-05-20")
        page.select_option("#id_result", "passed")
        page.fill("#id_certificate_number", "闽特检(2026)DT0512")
        page.fill("#id_valid_until", "2026-08-10")
        page.click("#upkeep-inspection-submit")
        expect(page.get_by_text("已登记定期检验。")).to_be_visible()
        expect(page.locator("#upkeep-warnings")).to_have_count(0)  # nothing due yet

        register = Register.objects.get(case=case)
        assert register.registration_certificate == "梯11闽C00512(26)"
        assert MaintenanceContract.objects.filter(register=register, replaced_on__isnull=True).count() == 1
        assert Inspection.objects.get(register=register).valid_until == datetime.date(2026, 8, 10)

        # Two weeks later: the inspection request is 25 days away, within the 30 days' warning.
        clock.move_to(_moment(datetime.date(2026, 6, 15)))
        _open(page, live_server, reverse("admin:upkeep_register_page", args=[case.pk]), clerk.username)
        warnings = page.locator("#upkeep-warnings")
        expect(warnings).to_contain_text("请最迟于2026年7月10日（检验有效期届满前一个月）提出定期检验申请（还有25天）")
        # The case page shows it too.
        page.goto(live_server.url + reverse("admin:cases_case_change", args=[case.pk]))
        expect(page.locator("#case-upkeep")).to_contain_text("提出定期检验申请")

        # Past the day: overdue.
        clock.move_to(_moment(datetime.date(2026, 7, 13)))
        _open(page, live_server, reverse("admin:upkeep_register_page", args=[case.pk]), clerk.username)
        expect(page.locator("#upkeep-warnings")).to_contain_text("定期检验申请已逾期3天")
