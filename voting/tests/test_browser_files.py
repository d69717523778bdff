"""In a real browser (Debian's Chromium through Playwright): a roster with an unusual area
is refused naming the row, the officer ticks the confirmation that then appears, chooses
the same file again and it is imported (issue 9, §6)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.tests.factories import UserFactory, open_case
from conftest import login

from .factories import ROSTER_HEADER, sample_roster_rows, table_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_an_unusual_area_is_confirmed_on_the_page_and_imported(page, live_server, tmp_path):
    rows = [[row[h] for h in ROSTER_HEADER] for row in sample_roster_rows()]
    rows[0][2] = "7960"  # 79.60 written with its decimal point lost
    path = tmp_path / "名册.csv"
    path.write_bytes(table_csv(ROSTER_HEADER, rows))
    case = open_case()
    UserFactory(username="fz_officer", with_role="district_officer", full_name="陈晓东")
    login(page, live_server, "fz_officer")
    page.goto(live_server.url + reverse("admin:voting_case_vote", args=[case.pk]))
    confirm = page.get_by_label("已核对上述面积，确认无误", exact=False)
    expect(confirm).to_have_count(0)  # not offered before it is needed

    page.set_input_files("#id_import_roster-file", str(path))
    page.get_by_role("button", name="导入名册").click()
    expect(page.locator("#vote-errors")).to_contain_text(
        "第2行“专有部分面积”列（C列）：面积 7960.00 ㎡ 大于一套房屋的常见上限"
    )
    expect(page.locator("#roster-table")).not_to_contain_text("7960.00")  # nothing imported

    confirm.check()
    page.set_input_files("#id_import_roster-file", str(path))
    page.get_by_role("button", name="导入名册").click()
    expect(page.locator(".messagelist")).to_contain_text("已导入业主名册")
    expect(page.locator("#roster-table tbody tr")).to_have_count(len(rows))
    expect(page.locator("#roster-table")).to_contain_text("7960.00")
