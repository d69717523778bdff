"""A district officer runs the owners' vote in a real browser (Debian's Chromium through
Playwright): roster import, opening, the ballot file, closing, the result."""

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.tests.factories import PDF_BYTES, UserFactory, open_case, unit_with_flats
from conftest import login
from voting.rules import format_percent

from .factories import JPEG_BYTES, SAMPLE_BALLOTS, SAMPLE_ROSTER, SAMPLE_TALLY, VoteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def expected_percents() -> dict[str, str]:
    """The four ratios the sample must show, worked out from tally-example.json."""
    tally = json.loads(SAMPLE_TALLY.read_text(encoding="utf-8"))
    total, part, agree = tally["total"], tally["participating"], tally["agreeing"]
    ratio = lambda a, b: Fraction(Decimal(str(a))) / Fraction(Decimal(str(b)))  # noqa: E731
    return {
        "participation_area": format_percent(ratio(part["area"], total["area"])),
        "participation_headcount": format_percent(ratio(part["headcount"], total["headcount"])),
        "consent_area": format_percent(ratio(agree["area"], part["area"])),
        "consent_headcount": format_percent(ratio(agree["headcount"], part["headcount"])),
    }


def test_a_district_officer_runs_the_vote_from_roster_to_result(page, live_server):
    # The case was opened in the back office with two flats entered by hand.
    case = open_case(unit=unit_with_flats(flats=2))
    UserFactory(username="fz_officer", with_role="district_officer", full_name="陈晓东")
    login(page, live_server, "fz_officer")
    page.goto(live_server.url + reverse("admin:voting_case_vote", args=[case.pk]))
    expect(page.locator("#vote-summary")).to_have_text("尚未开始表决")

    page.set_input_files("#id_import_roster-file", str(SAMPLE_ROSTER))
    page.get_by_role("button", name="导入名册").click()
    expect(page.locator(".messagelist")).to_contain_text("已导入业主名册")
    expect(page.locator("#roster-table tbody tr")).to_have_count(14)

    expect(page.locator("#vote-motion")).to_contain_text("在北侧增设一部无机房电梯")
    page.get_by_label("确认开始表决", exact=False).check()
    page.get_by_role("button", name="开始表决").click()
    expect(page.locator("#vote-summary")).to_have_text("表决进行中：已投票 0/13 人")
    expect(page.locator("#form-import_roster")).to_have_count(0)  # the roster is frozen

    page.set_input_files("#id_ballot_file-file", str(SAMPLE_BALLOTS))
    page.get_by_role("button", name="导入选票").click()
    expect(page.locator(".messagelist")).to_contain_text("已导入选票文件")
    expect(page.locator("#vote-summary")).to_have_text("表决进行中：已投票 10/13 人")
    expect(page.locator("#vote-missing")).to_contain_text("未投票（3 人）")

    page.get_by_label("确认结束表决", exact=False).check()
    page.get_by_role("button", name="结束表决").click()
    expect(page.locator("#vote-summary")).to_have_text("表决已结束：通过")
    expect(page.locator("#vote-verdict")).to_contain_text("通过")
    for code, percent in expected_percents().items():
        bar = page.locator(f"#bar-{code}")
        expect(bar.locator(".bar-percent")).to_have_text(percent)
        expect(bar.locator(".bar-verdict")).to_contain_text("达到")
        expect(bar).not_to_contain_text("未达到")
    expect(page.locator("#paper-ballot")).to_have_count(0)  # closed: no more ballots


def test_the_vote_page_fits_a_phone(phone_page, live_server):
    vote = VoteFactory(choices={"101": "同意", "201": "反对", "702": "同意"})
    UserFactory(username="fz_officer", with_role="district_officer")
    login(phone_page, live_server, "fz_officer")
    phone_page.goto(live_server.url + reverse("admin:voting_case_vote", args=[vote.case.pk]))
    expect(phone_page.locator("#vote-result")).to_be_visible()
    expect(phone_page.locator("#ballot-table")).to_be_attached()
    # The page never scrolls sideways on a 390 px screen; wide tables scroll in their own box.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    expect(phone_page.get_by_role("button", name="录入选票")).to_be_visible()


def test_a_clerk_enters_a_ballot_a_son_signed_for_his_mother(page, live_server, tmp_path):
    """The proxy part stays folded until opened; once entered, the ballot list says who signed."""
    vote = VoteFactory()
    UserFactory(username="fz_officer", with_role="district_officer")
    login(page, live_server, "fz_officer")
    page.goto(live_server.url + reverse("admin:voting_case_vote", args=[vote.case.pk]))
    scan, letter = tmp_path / "选票.pdf", tmp_path / "委托书.jpg"
    scan.write_bytes(PDF_BYTES)
    letter.write_bytes(JPEG_BYTES)

    expect(page.locator("#id_paper_ballot-proxy_name")).to_be_hidden()
    page.select_option("#id_paper_ballot-room", "101")
    page.get_by_label("同意", exact=True).check()
    page.set_input_files("#id_paper_ballot-scan", str(scan))
    page.get_by_text("由他人代为表决（可选）").click()
    page.fill("#id_paper_ballot-proxy_name", "余志强")
    page.fill("#id_paper_ballot-proxy_relation", "子女")
    page.set_input_files("#id_paper_ballot-proxy_letter", str(letter))
    page.get_by_role("button", name="录入选票").click()

    expect(page.locator(".messagelist")).to_contain_text("由余志强（子女）代为表决")
    row = page.locator('tr.ballot-row[data-rooms="101"]')
    expect(row.locator(".ballot-proxy")).to_contain_text("由余志强（子女）代为表决")
    with page.expect_download() as download:
        row.get_by_role("link", name="委托书").click()
    assert download.value.suggested_filename == "委托书.jpg"
