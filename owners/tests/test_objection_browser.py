"""An owner objects on a 390 px phone in a real browser (Debian's Chromium through
Playwright) and reads the receipt; the office records a mediation meeting and closes the
objection as resolved on its page; the owner then sees the state and the reply."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Owner
from cases.tests.factories import officer
from conftest import login
from demo.tests.factories import CaseFactory
from notices import services
from notices.models import Objection
from notices.tests.helpers import jpeg

from .factories import PASSWORD, activated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_an_owner_objects_on_a_phone_and_the_office_resolves_it(phone_page, browser, live_server, tmp_path):
    case = CaseFactory(at_step=2)
    today = timezone.localdate()
    services.notice_publish(
        case=case,
        actor=officer("FZ"),
        start=today,
        end=today + datetime.timedelta(days=case.jurisdiction.notice_days - 1),
        places=["unit", "board"],
    )
    owner = Owner.objects.filter(ownerships__flat__unit=case.unit).order_by("pk").first()
    account, owner, case = activated(case, owner=owner)
    photo = tmp_path / "窗户.jpg"
    photo.write_bytes(jpeg().read())

    page = phone_page
    page.goto(live_server.url + reverse("owners:login") + "?next=" + reverse("owners:notice", args=[case.pk]))
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="增设电梯公示")).to_be_visible()
    page.get_by_role("link", name="提出异议").click()

    expect(page.get_by_role("heading", name="对增设电梯提出异议")).to_be_visible()
    expect(page.locator("main")).to_contain_text(owner.name)
    page.get_by_role("button", name="提交异议").click()  # nothing filled: said, not saved
    expect(page.get_by_text("请填写异议理由。")).to_be_visible()
    page.get_by_label("异议理由").fill("电梯井道紧贴我家卧室窗户，影响采光。")
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_label("本人以真实姓名提出以上异议，内容属实。").check()
    page.get_by_role("button", name="提交异议").click()

    expect(page.get_by_role("heading", name="异议受理回执")).to_be_visible()
    objection = Objection.objects.get()
    expect(page.locator("#objection-number")).to_have_text(objection.number)
    expect(page.locator("#objection-state")).to_contain_text("已受理")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    pdf = page.request.get(live_server.url + page.get_by_role("link", name="打印受理回执").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    # The office: a mediation meeting, then the close as resolved with the written reply.
    officer_user = officer("FZ")
    staff_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    staff = staff_context.new_page()
    staff.set_default_timeout(10_000)
    login(staff, live_server, officer_user.username)
    staff.goto(live_server.url + reverse("admin:notices_objections", args=[case.pk]))
    staff.get_by_role("link", name=objection.number).click()
    meeting = staff.locator("#objection-meeting")
    meeting.get_by_label("地点").fill("社区居委会会议室")
    meeting.get_by_label("参加人员").fill("异议人、代建单位、区住建经办人")
    meeting.get_by_label("议定事项").fill("井道向北移0.5米，避开卧室窗户。")
    meeting.get_by_role("button", name="登记调解会").click()
    expect(staff.locator("#objection-state")).to_contain_text("已召开调解会1次")
    close = staff.locator("#objection-close")
    close.get_by_label("经协调解决（方案调整）").check()
    close.get_by_label("结果说明/不予支持的理由").fill("井道向北移0.5米。")
    close.get_by_label("书面答复正文").fill("经协调会协商，井道向北移0.5米，您的异议已按此解决。")
    close.get_by_role("button", name="办结").click()
    expect(staff.locator("#objection-state")).to_contain_text("经协调解决（方案调整）")
    expect(staff.locator("#staff-reply-pdf")).to_be_visible()
    staff_context.close()

    page.goto(live_server.url + reverse("owners:objections", args=[case.pk]))
    expect(page.locator(".objection-state")).to_contain_text("经协调解决（方案调整）")
    reply = page.request.get(live_server.url + page.get_by_role("link", name="书面答复（PDF）").get_attribute("href"))
    assert reply.status == 200 and reply.body().startswith(b"%PDF")
    page.get_by_role("link", name=objection.number).click()
    expect(page.locator("#objection-timeline")).to_contain_text("井道向北移0.5米，避开卧室窗户。")
