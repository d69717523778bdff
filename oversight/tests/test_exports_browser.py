"""In a real browser at 1366 px: an officer filters the case list, clicks 导出 Excel, and the
downloaded file opens in openpyxl with the filtered cases; a long list (the sync limit set
low) opens the progress page, whose thread (as in production) finishes, and its download is
the whole list."""

import csv
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from cases.tests.factories import OwnerFactory, officer, open_case
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_an_officer_exports_the_filtered_case_list_and_a_long_owner_list(page, live_server, settings, tmp_path):
    settings.EXPORT_SYNC_MAX_ROWS = 5
    clerk = officer("FZ")
    cases = [open_case(actor=clerk) for _ in range(2)]
    for i in range(8):
        OwnerFactory(name=f"导出业主{i}")
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, clerk.username)

    page.goto(f"{live_server.url}/admin/cases/case/?status__exact=open")
    with page.expect_download() as download:
        page.locator("a.oversight-export-xlsx").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".xlsx"
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == "案件编号" and sorted(r[0] for r in rows[1:]) == sorted(c.number for c in cases)

    page.goto(f"{live_server.url}/admin/cases/owner/?q=导出业主")
    page.locator("a.oversight-export-csv").click()
    expect(page.locator(".oversight-export-job")).to_be_visible()
    download_link = page.locator("a.oversight-export-download")
    expect(download_link).to_be_visible(timeout=30_000)  # the thread wrote it; the script reloaded
    with page.expect_download() as download:
        download_link.click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    names = sorted(r[0] for r in list(csv.reader(io.StringIO(text)))[1:])
    assert names == [f"导出业主{i}" for i in range(8)]
