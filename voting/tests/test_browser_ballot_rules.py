"""In a real browser (Debian's Chromium through Playwright): a ballot file that would flip
a signed correction waits for a row-by-row confirmation, and a re-vote after a failed
vote has its own button and box to tick."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.tests.factories import UserFactory
from conftest import login
from voting import services

from .factories import VoteFactory, ballot_csv, scan_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_a_file_flipping_a_signed_ballot_is_confirmed_row_by_row(page, live_server, tmp_path):
    vote = VoteFactory(choices={"201": "同意"})
    clerk = UserFactory(username="fz_officer", with_role="district_officer", full_name="陈晓东")
    services.ballot_record_paper(
        vote=vote, room="201", choice="反对", scan=scan_upload(), actor=clerk, reason="业主本人书面申请更改意见"
    )
    path = tmp_path / "第二批.csv"
    path.write_bytes(ballot_csv({"201": "同意", "102": "反对"}))
    login(page, live_server, "fz_officer")
    page.goto(live_server.url + reverse("admin:voting_case_vote", args=[vote.case.pk]))
    page.set_input_files("#id_ballot_file-file", str(path))
    page.get_by_role("button", name="导入选票").click()
    expect(page.locator("#vote-errors")).to_contain_text("未导入任何选票")
    expect(page.locator("#pending-overrides li")).to_have_count(1)
    expect(page.locator("#pending-overrides")).to_contain_text("房号201（杨涛艳）：现为“反对”")
    # The box is required: the browser itself asks for it before sending.
    expect(page.get_by_label("我已逐行核对", exact=False)).to_have_attribute("required", "")
    page.get_by_label("我已逐行核对", exact=False).check()
    page.get_by_role("button", name="确认覆盖并导入").click()
    expect(page.locator(".messagelist")).to_contain_text("其中经确认覆盖1票")
    expect(page.locator('#ballot-table tr[data-rooms="201"]')).to_contain_text("同意")


def test_a_new_round_has_its_own_button_and_box(page, live_server):
    failed = VoteFactory(failing=True)
    UserFactory(username="fz_officer", with_role="district_officer")
    login(page, live_server, "fz_officer")
    page.goto(live_server.url + reverse("admin:voting_case_vote", args=[failed.case.pk]))
    expect(page.get_by_role("button", name="开始表决", exact=True)).to_have_count(0)
    page.get_by_label("确认开始新一轮表决", exact=False).check()
    page.get_by_role("button", name="开始新一轮表决").click()
    expect(page.locator(".messagelist")).to_contain_text("新一轮业主表决已开始")
    expect(page.locator("#vote-rounds")).to_contain_text("表决中")
