"""Issue 12's proof: an owner activates from a printed letter, votes and confirms the
agreement on a 390 px phone (Debian's Chromium through Playwright), signs out, and the
staff tally counts the ballot exactly as a paper one. The letter's code comes from the
contracted command (`issue_activation_codes CASE --out DIR`); every page is checked
against the Content-Security-Policy as it loads."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from cases.tests.test_csp_browser import WATCH
from documents.services import document_render
from owners.models import AgreementSignature, BallotReceipt

from .vote_helpers import owners_of_room, voting_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]

PASSWORD = "Yu-Juanmei-2026"


def letter_lines(case, out_dir) -> dict[str, tuple[str, str]]:
    """The command's lines: rooms → (name, code)."""
    out = StringIO()
    call_command("issue_activation_codes", case.number, "--out", str(out_dir), stdout=out)
    lines = [line.split("\t") for line in out.getvalue().splitlines() if line.count("\t") == 2]
    return {rooms: (name, code) for rooms, name, code in lines}


def test_an_owner_from_letter_to_vote_and_agreement_on_a_phone(phone_page, live_server, tmp_path):
    page = phone_page
    page.add_init_script(WATCH)

    def csp_clean(where: str):
        page.wait_for_load_state("load")
        assert page.evaluate("window.__csp || []") == [], where
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, f"{where} scrolls sideways"

    case, _vote = voting_case()
    document_render(case=case, template="agreement", actor=None)
    letters = letter_lines(case, tmp_path)
    assert (tmp_path / "activation-letters.pdf").stat().st_size > 0
    owner = owners_of_room(case, "101")[0]
    name, code = letters["101"]
    assert name == owner.name

    # The letter's QR code opens the activation page with the code filled in.
    page.goto(f"{live_server.url}{reverse('owners:activate')}?code={code}")
    csp_clean("activation page")
    expect(page.get_by_label("激活码")).to_have_value(code)
    page.get_by_label("身份证号后六位").fill(owner.id_number[-6:])
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("设置密码").fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="激活").click()

    expect(page.get_by_role("heading", name="我的加梯")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("激活成功")
    csp_clean("home")
    page.get_by_role("link", name="去表决").first.click()

    expect(page.get_by_role("heading", name="业主表决")).to_be_visible()
    csp_clean("vote page")
    page.get_by_label("同意").check()
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="请确认您的表决意见：同意")).to_be_visible()
    page.get_by_role("button", name="确认提交").click()

    expect(page.get_by_role("heading", name="网上表决回执")).to_be_visible()
    csp_clean("receipt")
    receipt = BallotReceipt.objects.get()
    expect(page.locator("main")).to_contain_text(f"{receipt.code[:4]}-{receipt.code[4:8]}-{receipt.code[8:]}")
    expect(page.locator("main")).to_contain_text("101")
    pdf = page.request.get(live_server.url + page.get_by_role("link", name="打印回执").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    page.goto(live_server.url + reverse("owners:agreement", args=[case.pk]))
    csp_clean("agreement page")
    expect(page.get_by_role("heading", name="增设电梯协议书")).to_be_visible()
    page.get_by_label("我已阅读并同意《增设电梯协议书》").check()
    page.get_by_role("button", name="确认签署").click()
    expect(page.locator("main")).to_contain_text("确认签署")
    signature = AgreementSignature.objects.get()
    assert (signature.owner, signature.channel, signature.account.mobile) == (owner, "online", "13912345678")

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="业主登录")).to_be_visible()
    page.goto(live_server.url + reverse("owners:home"))
    expect(page.get_by_role("heading", name="业主登录")).to_be_visible()  # signed out for real

    # The staff tally counts the online ballot: one voter (101) took part and agreed.
    out = StringIO()
    call_command("tally", case.number, "--json", stdout=out)
    tally = json.loads(out.getvalue())
    assert tally["participating"]["headcount"] == 1 and tally["agreeing"]["headcount"] == 1
    assert (
        tally["participating"]["area"]
        == tally["agreeing"]["area"]
        == str(sum(f.area for f in case.unit.flats.filter(ownerships__owner=owner)))
    )
