"""A new officer starts a case in a real browser (Debian's Chromium through Playwright): the
case list's add, the new-case page with the shared sample roster, the gate refusing a
building in the demolition plan, then the case, the motion, the vote opened (issue 10)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Building, Case, Flat
from cases.tests.factories import UserFactory
from conftest import login

from .factories import SAMPLE_ROSTER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_a_new_officer_starts_a_case_from_a_roster_file_and_opens_the_vote(page, live_server):
    UserFactory(username="fz_new", with_role="district_officer", full_name="林新")
    login(page, live_server, "fz_new")
    page.goto(live_server.url + reverse("admin:cases_case_changelist"))
    page.get_by_role("link", name="增加 案件").click()
    expect(page.locator("h1")).to_have_text("新建案件")
    expect(page.locator("#new-case-office")).to_have_text("丰泽区")

    # The building is in the five-year demolition plan: the gate refuses, in Chinese, and
    # nothing of the building, the roster or the case is saved.
    page.get_by_label("楼栋地址").fill("丰泽区东湖街道刺桐花园9幢")
    page.get_by_label("梯号/单元").fill("1单元")
    page.get_by_label("已列入城市规划五年内拆迁改造范围").check()
    page.set_input_files("#id_file", str(SAMPLE_ROSTER))
    page.get_by_role("button", name="导入名册并立案").click()
    errors = page.locator("#new-case-errors")
    expect(errors).to_contain_text("资格审查未通过，不予立案")
    expect(errors).to_contain_text("该住宅已列入城市规划五年内拆迁改造范围，不列入增设电梯范围。")
    assert (Building.objects.count(), Flat.objects.count(), Case.objects.count()) == (0, 0, 0)

    # Corrected: the building is not in the plan. The form kept what was typed; the file is chosen again.
    expect(page.get_by_label("楼栋地址")).to_have_value("丰泽区东湖街道刺桐花园9幢")
    page.get_by_label("已列入城市规划五年内拆迁改造范围").uncheck()
    page.set_input_files("#id_file", str(SAMPLE_ROSTER))
    page.get_by_role("button", name="导入名册并立案").click()
    case = Case.objects.get()
    expect(page.locator(".messagelist")).to_contain_text(f"已立案：{case.number}")
    expect(page.locator(".messagelist")).to_contain_text("开始表决前，请在本页填写增设方案概要和工程预算")
    assert case.unit.flats.count() == 14

    # The motion on the case page, then the vote page: what freezes is said before it opens.
    page.get_by_role("link", name="修改案件信息").click()
    page.locator("#id_scheme_summary").fill("在北侧增设一部无机房电梯，七层七站，平层入户。")
    page.locator("#id_budget").fill("420000")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    page.get_by_role("link", name="进入表决页面").click()
    expect(page.locator("#vote-motion")).to_contain_text("在北侧增设一部无机房电梯，七层七站，平层入户。")
    expect(page.locator("#vote-motion")).to_contain_text("420000.00 元")
    page.get_by_role("button", name="开始表决").click()  # not ticked: the browser asks for the box
    assert not case.votes.exists()
    page.get_by_label("确认开始表决", exact=False).check()
    page.get_by_role("button", name="开始表决").click()
    expect(page.locator("#vote-summary")).to_have_text("表决进行中：已投票 0/13 人")

    page.get_by_role("link", name=case.number).click()
    expect(page).to_have_url(live_server.url + reverse("admin:cases_case_change", args=[case.pk]))
    expect(page.locator("#content")).to_contain_text("丰泽区东湖街道刺桐花园9幢")
