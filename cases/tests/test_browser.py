"""Journeys in a real browser (Debian's Chromium through Playwright)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import ProcedureStep
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


@pytest.mark.parametrize("width", [1366, 1280])
def test_the_case_list_shows_all_its_columns_beside_the_open_navigation(browser, live_server, width):
    """An office screen with the admin's navigation open: every column of the list is in view,
    none scrolled off to the right (the filters go under the table)."""
    case = open_case()
    ProcedureStep.objects.filter(case=case, number=1).update(
        state="submitted", submitted_at=timezone.now(), due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    UserFactory(username="fz_officer", with_role="district_officer")
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    login(page, live_server, "fz_officer")
    page.goto(f"{live_server.url}/admin/cases/case/")
    expect(page.locator("#nav-sidebar")).to_be_visible()
    results = page.locator("#changelist .results")
    assert results.evaluate("e => e.scrollWidth <= e.clientWidth")  # nothing scrolled off
    last = page.locator("#result_list th.column-opened_on").bounding_box()
    assert last["x"] + last["width"] <= width
    expect(page.locator("#result_list td.field-overdue")).to_contain_text("已超期")
    context.close()


def test_back_office_works_on_a_phone(phone_page, live_server):
    open_case()
    UserFactory(username="fz_officer", with_role="district_officer")
    login(phone_page, live_server, "fz_officer")
    expect(phone_page.locator("#portal-summary")).to_be_visible()
    phone_page.goto(f"{live_server.url}/admin/cases/case/")
    expect(phone_page.locator("#result_list")).to_be_visible()
    # No horizontal scrolling of the whole page on a 390 px screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def test_officer_and_each_department_take_a_case_from_step_1_to_step_8(browser, live_server, tmp_path):
    """The whole workflow in the browser, with a return and a resubmission on step 4."""
    from voting.tests.factories import VoteFactory

    case = open_case()  # no reserved shaft: planning review is required
    VoteFactory(case=case, passing=True)
    users = {
        role: UserFactory(username=role, with_role=role)
        for role in ("district_officer", "planning_reviewer", "urban_reviewer", "market_reviewer")
    }
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    case_url = f"{live_server.url}/admin/cases/case/{case.pk}/change/"

    def session(role):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        login(page, live_server, users[role].username)
        page.goto(case_url)
        return context, page

    def act(page, number, action_label):
        page.locator(f"#step-{number}").get_by_role("link", name=action_label, exact=True).click()

    def record_paper(page, number, kinds=("other",)):
        act(page, number, "登记窗口收件")
        page.fill("#id_brought_by", "业主代表 苏国燕")
        for i, kind in enumerate(kinds, start=1):
            page.select_option(f"#id_kind_{i}", kind)
            page.set_input_files(f"#id_file_{i}", str(scan))
        page.get_by_role("button", name="登记窗口收件").click()
        expect(page.locator(f"#step-{number} .step-state")).to_have_text("待审查")

    def decide(page, number, label, note=""):
        act(page, number, label)
        page.fill("#id_note", note)
        page.get_by_role("button", name=label).click()
        expect(page.locator(".messagelist")).to_contain_text(label)

    officer_ctx, officer = session("district_officer")
    # Step 1: the window submission with the agreement and the drawing, then approval.
    record_paper(officer, 1, kinds=("owners_agreement", "scheme_drawing"))
    decide(officer, 1, "审查通过", "材料齐全")
    # Step 2: a notice period that has already ended, then approval. (The notice may not
    # start before the step did, so the step is made to have begun in early January.)
    ProcedureStep.objects.filter(case=case, number=2).update(
        started_at=timezone.make_aware(datetime.datetime(2026, 1, 4, 9, 0))
    )
    act(officer, 2, "登记公示期")
    officer.fill("#id_notice_start", "2026-01-05")
    officer.fill("#id_notice_end", "2026-01-20")
    officer.get_by_role("button", name="登记公示期").click()
    record_paper(officer, 2)
    decide(officer, 2, "审查通过")
    # Step 3 waits for planning: the officer records the submission; planning decides.
    record_paper(officer, 3)
    expect(officer.locator("#step-3 .step-actions")).not_to_contain_text("审查通过")
    planning_ctx, planning = session("planning_reviewer")
    decide(planning, 3, "审查通过", "规划审查同意")
    planning_ctx.close()
    # Step 4: returned for correction, resubmitted, approved.
    officer.goto(case_url)
    record_paper(officer, 4)
    decide(officer, 4, "退回补正", "施工图审查合格书缺页")
    expect(officer.locator("#step-4 .step-state")).to_have_text("退回补正")
    expect(officer.locator("#step-4")).to_contain_text("施工图审查合格书缺页")
    record_paper(officer, 4, kinds=("drawing_review",))
    decide(officer, 4, "审查通过")
    # Step 5: urban management.
    record_paper(officer, 5)
    urban_ctx, urban = session("urban_reviewer")
    decide(urban, 5, "审查通过")
    urban_ctx.close()
    # Steps 6 and 7: housing again.
    officer.goto(case_url)
    for number in (6, 7):
        record_paper(officer, number)
        decide(officer, number, "审查通过")
    # Step 8: market supervision; approving it completes the case.
    record_paper(officer, 8, kinds=("inspection_certificate",))
    market_ctx, market = session("market_reviewer")
    decide(market, 8, "审查通过", "监督检验合格")
    expect(market.locator(".case-timeline h2")).to_contain_text("已办结")
    market_ctx.close()
    officer_ctx.close()

    case.refresh_from_db()
    assert case.status == "completed"
    assert [s.state for s in case.steps.order_by("number")] == ["approved"] * 8
    assert case.steps.get(number=4).history.filter(to_state="returned").count() == 1
