"""Issue 13's journey in a real browser (Debian's Chromium through Playwright): the office
publishes the notice with a photo of it posted; an owner objects on a phone; the office
records a mediation meeting and closes the objection as resolved; step 2 cannot be approved
while the objection is open or the period runs, and is approved after the period; the
evidence bundle downloads and every file's hash matches the manifest, whose own hash is the
audit log's.

The clock is moved past the period with time-machine: it moves the server's thread too, so
the pages count the days as they would eleven days later."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Owner, ProcedureStep
from cases.tests.factories import officer
from conftest import login
from demo.tests.factories import CaseFactory
from documents.models import BundleStatus, EvidenceBundle
from documents.tests.test_evidence import check_bundle
from notices.models import Objection, ObjectionState
from owners.tests.factories import PASSWORD, activated

from .helpers import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _staff(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, username)
    return context, page


def test_notice_objection_mediation_approval_and_the_evidence_bundle(browser, phone_page, live_server, tmp_path):
    case = CaseFactory(at_step=2)
    clerk = officer("FZ")
    today = timezone.localdate()
    end = today + datetime.timedelta(days=case.jurisdiction.notice_days - 1)
    photo = tmp_path / "单元门口.jpg"
    photo.write_bytes(jpeg(taken=timezone.localtime().replace(tzinfo=None)).read())
    scan = tmp_path / "材料.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    owner = Owner.objects.filter(ownerships__flat__unit=case.unit).order_by("pk").first()
    account, owner, case = activated(case, owner=owner)
    case_url = f"{live_server.url}/admin/cases/case/{case.pk}/change/"

    # 1. The office publishes the notice for the jurisdiction's period and adds a photo.
    staff_context, staff = _staff(browser, live_server, clerk.username)
    staff.goto(case_url)
    staff.locator("#case-notice-link").click()
    publish = staff.locator("#notice-publish")
    publish.get_by_label("公示开始日期").fill(today.isoformat())
    publish.get_by_label("公示结束日期").fill(end.isoformat())
    publish.get_by_label("单元门口").check()
    publish.get_by_label("小区公告栏").check()
    publish.get_by_role("button", name="发布公示").click()
    expect(staff.locator("#notice-facts")).to_contain_text("第1版")
    upload = staff.locator("#notice-photo-add")
    upload.locator("input[type=file]").set_input_files(str(photo))
    upload.get_by_label("拍摄人").fill("张网格")
    upload.get_by_role("button", name="上传照片").click()
    expect(staff.locator("#notice-photos")).to_contain_text("张网格")
    expect(staff.locator("#notice-photos")).to_contain_text("照片EXIF拍摄时间")

    # 2. An owner reads the notice on a phone and objects under their own name.
    page = phone_page
    page.goto(live_server.url + reverse("owners:login") + "?next=" + reverse("owners:notice", args=[case.pk]))
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="增设电梯公示")).to_be_visible()
    page.get_by_role("link", name="提出异议").click()
    page.get_by_label("异议理由").fill("电梯井道紧贴我家卧室窗户，影响采光。")
    page.get_by_label("本人以真实姓名提出以上异议，内容属实。").check()
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_role("heading", name="异议受理回执")).to_be_visible()
    objection = Objection.objects.get()
    expect(page.locator("#objection-number")).to_have_text(objection.number)
    assert not objection.late
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    # 3. The applicant's papers for step 2 come in at the window; the step may still not be
    # approved: the period runs and the objection is open, and the page says which.
    staff.goto(case_url)
    staff.locator("#step-2").get_by_role("link", name="登记窗口收件", exact=True).click()
    staff.fill("#id_brought_by", "业主代表 苏国燕")
    staff.select_option("#id_kind_1", "other")
    staff.set_input_files("#id_file_1", str(scan))
    staff.get_by_role("button", name="登记窗口收件").click()
    expect(staff.locator("#step-2 .step-state")).to_have_text("待审查")
    staff.locator("#step-2").get_by_role("link", name="审查通过", exact=True).click()
    staff.get_by_role("button", name="审查通过").click()
    errors = staff.locator(".errornote, .errorlist, .messagelist")
    expect(errors.first).to_be_visible()
    expect(staff.locator("body")).to_contain_text(objection.number)
    expect(staff.locator("body")).to_contain_text("公示期结束后")
    assert ProcedureStep.objects.get(case=case, number=2).state != "approved"

    # 4. The office records a mediation meeting and closes the objection as resolved.
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
    assert Objection.objects.get().state == ObjectionState.CLOSED
    staff_context.close()
    # The objector sees it resolved.
    page.goto(live_server.url + reverse("owners:objections", args=[case.pk]))
    expect(page.locator(".objection-state")).to_contain_text("经协调解决（方案调整）")

    # 5. The day after the period ends, the office approves step 2.
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(9, 0), tzinfo=SHANGHAI)
    with time_machine.travel(after, tick=True):
        staff_context, staff = _staff(browser, live_server, clerk.username)
        staff.goto(case_url)
        expect(staff.locator("#case-notice")).to_contain_text("已结束")
        staff.locator("#step-2").get_by_role("link", name="审查通过", exact=True).click()
        staff.get_by_role("button", name="审查通过").click()
        expect(staff.locator(".messagelist")).to_contain_text("审查通过")
        assert ProcedureStep.objects.get(case=case, number=2).state == "approved"

        # 6. The evidence bundle: built with its progress shown, downloaded, every hash checked.
        staff.goto(case_url)
        staff.locator("#documents-evidence-link").click()
        staff.get_by_role("button", name="生成证据包").click()
        expect(staff.locator("#evidence-progress")).to_contain_text("正在", timeout=5_000)
        download_link = staff.locator("a.evidence-download")
        expect(download_link).to_be_visible(timeout=60_000)
        bundle = EvidenceBundle.objects.get(case=case)
        assert bundle.status == BundleStatus.DONE
        with staff.expect_download() as download_info:
            download_link.click()
        with open(download_info.value.path(), "rb") as handle:
            files, manifest = check_bundle(handle.read(), bundle)
        staff_context.close()

    paths = set(files)
    # What the journey made is in it: the notice with its photo, the objection with its
    # meeting and reply, the step's approval in the history.
    assert any(p.startswith("03-公示/张贴照片/") for p in paths)
    assert "张网格" in files["03-公示/公示记录.csv"].decode("utf-8-sig")
    record = files[f"03-公示/异议/{objection.number}/异议及处理记录.csv"].decode("utf-8-sig")
    assert "井道向北移0.5米，避开卧室窗户。" in record and "调解协调会" in record
    assert f"03-公示/异议/{objection.number}/书面答复.pdf" in paths
    assert "公示见证" in files["01-办理记录/办理记录.csv"].decode("utf-8-sig")
    assert {row["文件"] for row in manifest} == paths - {"manifest.csv"}
