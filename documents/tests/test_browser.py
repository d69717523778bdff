"""In a real browser: an officer prints a document, a citizen checks it on a phone."""

import pytest
from playwright.sync_api import expect

from cases.tests.factories import UserFactory
from conftest import login
from documents.models import GeneratedDocument

from .conftest import build_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_officer_prints_then_a_phone_verifies_the_paper(page, phone_page, live_server):
    case = build_case()
    UserFactory(username="fz_officer", with_role="district_officer")
    login(page, live_server, "fz_officer")

    page.goto(f"{live_server.url}/admin/documents/generateddocument/case/{case.pk}/render/notice/")
    expect(page.get_by_text("增设电梯公示书》第1版")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="生成并下载").click()
    download = download_info.value
    assert download.suggested_filename == f"{case.number}-增设电梯公示书-第1版.pdf"
    record = GeneratedDocument.objects.get()

    phone_page.goto(f"{live_server.url}/verify/{record.code}/")
    expect(phone_page.get_by_role("status")).to_contain_text("有效文书，且为最新版本")
    expect(phone_page.locator(".facts")).to_contain_text(case.number)
    # Readable on a 390 px phone without sideways scrolling, with its own stylesheet.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone_page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(244, 245, 247)"

    # The PDF the officer downloaded, compared on the same page, is the registered file.
    phone_page.set_input_files("input[name=pdf]", download.path())
    phone_page.get_by_role("button", name="比对").click()
    expect(phone_page.locator(".result-ok")).to_contain_text("一致：上传的文件与登记的第1版完全相同")

    # Typing the code from the paper, in lower case with a dash, finds the same page.
    phone_page.goto(f"{live_server.url}/verify/")
    phone_page.fill("#code", f"{record.code[:5].lower()}-{record.code[5:]}")
    phone_page.get_by_role("button", name="核验").click()
    expect(phone_page.get_by_role("status")).to_contain_text("有效文书")


def test_printing_from_the_case_page_shows_progress_and_makes_one_version_per_print(page, live_server):
    case = build_case()
    UserFactory(username="fz_officer", with_role="district_officer")
    login(page, live_server, "fz_officer")
    page.goto(f"{live_server.url}/admin/cases/case/{case.pk}/change/")
    row = page.locator(".documents-row-ballots")
    expect(row).to_contain_text("尚未生成")
    with page.expect_download() as download_info:
        # An impatient double click: the second click waits for the first print.
        row.get_by_role("link", name="打印").dblclick()
        expect(page.locator(".documents-print-status")).to_have_text("正在生成文书，请稍候……")
    assert download_info.value.suggested_filename == f"{case.number}-业主表决票及表决结果汇总表-第1版.pdf"
    # The panel reloads and shows the version just printed; only one was made.
    expect(page.locator(".documents-row-ballots")).to_contain_text("第1版", timeout=10_000)
    page.wait_for_timeout(2_000)  # a second print, had one started, would have landed by now
    assert GeneratedDocument.objects.filter(case=case, template="ballots").count() == 1
