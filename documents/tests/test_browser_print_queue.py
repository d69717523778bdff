"""In a real browser: a print click while another print runs is queued, not lost (issue 10)."""

import pytest
from playwright.sync_api import expect

from cases.tests.factories import UserFactory
from conftest import login
from documents.models import GeneratedDocument

from .conftest import build_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_a_second_document_clicked_while_one_prints_is_queued_and_printed(page, live_server):
    case = build_case()
    UserFactory(username="fz_officer", with_role="district_officer")
    login(page, live_server, "fz_officer")
    page.goto(f"{live_server.url}/admin/cases/case/{case.pk}/change/")
    names = []
    page.on("download", lambda download: names.append(download.suggested_filename))
    page.locator(".documents-row-ballots").get_by_role("link", name="打印").click()
    page.locator(".documents-row-notice").get_by_role("link", name="打印").click()
    expect(page.locator(".documents-print-queue")).to_have_text("已加入打印队列：还有 1 份等待，将依次生成并下载。")
    page.locator(".documents-row-notice").get_by_role("link", name="打印").click()  # the same again
    expect(page.locator(".documents-print-queue")).to_have_text("这份文书正在生成或已在队列中，不会重复生成。")
    # Both print, one after the other, then the page shows both new versions.
    expect(page.locator(".documents-row-notice")).to_contain_text("第1版", timeout=20_000)
    expect(page.locator(".documents-row-ballots")).to_contain_text("第1版")
    assert sorted(names) == sorted(
        [f"{case.number}-业主表决票及表决结果汇总表-第1版.pdf", f"{case.number}-增设电梯公示书-第1版.pdf"]
    )
    assert GeneratedDocument.objects.filter(case=case, template="notice").count() == 1
    assert GeneratedDocument.objects.filter(case=case, template="ballots").count() == 1
