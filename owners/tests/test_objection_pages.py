"""Objections in the owners' portal (issue 13 §2): the entry on the notice page, an owner's
objection with photos and its receipt, late after the period, "我的异议" with each state
and the reply, who may open what (owners of the unit, of another unit, another owner,
staff, anonymous), the public receipt check, and flat query counts."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Owner
from cases.services import case_decide_step
from cases.tests.factories import officer, record_paper, reviewer_for
from demo.tests.factories import CaseFactory
from notices import services
from notices import services_objections as objections
from notices.models import Objection
from notices.tests.helpers import jpeg, png_claiming

from .factories import activated

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _published(over=False):
    case = CaseFactory(at_step=2, notice="over") if over else CaseFactory(at_step=2)
    start = case.steps.get(number=2).notice_start if over else TODAY()
    services.notice_publish(
        case=case,
        actor=officer(case.jurisdiction.code),
        start=start,
        end=start + datetime.timedelta(days=case.jurisdiction.notice_days - 1),
        places=["unit", "board"],
    )
    return case


def _owners(case):
    return list(Owner.objects.filter(ownerships__flat__unit=case.unit).distinct().order_by("pk"))


def _signed_in(client, case, index=0, mobile="13900000001"):
    account, owner, case = activated(case, owner=_owners(case)[index], mobile=mobile)
    client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
    return account, owner


def _post(client, case, **extra):
    data = {"reasons": "电梯挡住一楼采光", "real_name": "on", **extra}
    return client.post(reverse("owners:objection_new", args=[case.pk]), data)


def test_the_notice_page_offers_an_objection_during_the_period(client):
    case = _published()
    _signed_in(client, case)
    html = client.get(reverse("owners:notice", args=[case.pk])).content.decode()
    assert 'id="objection-new"' in html and "逾期" not in html
    assert reverse("owners:objections", args=[case.pk]) in html


def test_after_the_period_the_objection_is_offered_and_said_plainly_to_be_late(client):
    case = _published(over=True)
    _signed_in(client, case)
    html = client.get(reverse("owners:notice", args=[case.pk])).content.decode()
    assert "提出异议（逾期）" in html and "登记为逾期异议" in html
    response = _post(client, case)
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.late
    page = client.get(response["Location"]).content.decode()
    assert "按逾期异议受理" in page


def test_before_the_notice_is_published_there_is_no_form_and_a_post_is_refused(client):
    case = CaseFactory(at_step=2)
    _signed_in(client, case)
    html = client.get(reverse("owners:objection_new", args=[case.pk])).content.decode()
    assert 'id="objection-form"' not in html and "还没有发布" in html
    assert _post(client, case).status_code == 302
    assert not Objection.objects.exists()


def test_an_owner_objects_with_photos_and_gets_the_receipt(client):
    case = _published()
    _account, owner = _signed_in(client, case)
    response = _post(client, case, photos=[jpeg("窗户.jpg"), jpeg("楼道.jpg")])
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.name == owner.name and objection.files.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert objection.number in page and "已受理，等待区住建部门联系" in page
    pdf = client.get(reverse("owners:objection_receipt_pdf", args=[case.pk, objection.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = reader.pages[0].extract_text().replace("\n", "")
    assert len(reader.pages) == 1 and objection.number in text
    assert f"/owner/objection/{objection.code}/" in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reasons": ""}, "请填写异议理由"),
        ({"reasons": "长" * 5001}, "不能超过5000字"),
        ({"real_name": ""}, "请勾选确认"),
        ({"photos": "bomb"}, "像素过多"),
        ({"photos": "pdf"}, "不是JPEG或PNG图片"),
        ({"photos": "four"}, "最多上传3张"),
    ],
)
def test_a_bad_objection_says_why_and_saves_nothing(client, data, message):
    case = _published()
    _signed_in(client, case)
    if data.get("photos") == "bomb":
        data = {"photos": [png_claiming(100_000, 100_000)]}
    elif data.get("photos") == "pdf":
        data = {"photos": [SimpleUploadedFile("a.jpg", b"%PDF-1.4 x", content_type="image/jpeg")]}
    elif data.get("photos") == "four":
        data = {"photos": [jpeg() for _ in range(4)]}
    response = _post(client, case, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Objection.objects.exists()


def _objection_of(case, owner_user):
    owner = Owner.objects.filter(person_id=owner_user.person_id, ownerships__flat__unit=case.unit).first()
    return objections.objection_submit_online(case=case, actor=owner_user, owner=owner, reasons="噪音")


@pytest.mark.parametrize(
    ("who", "status"),
    [("objector", 200), ("other_owner_same_unit", 404), ("owner_other_unit", 404), ("staff", 403), ("anonymous", 302)],
)
def test_who_opens_an_objection_and_its_papers(client, who, status):
    case = _published()
    account, _owner = _signed_in(client, case)
    objection = _objection_of(case, account.user)
    objections.objection_close(
        objection=objection, actor=officer(), outcome="withdrawn", reasons="", reply_text="已撤回"
    )
    client.logout()
    if who == "objector":
        client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
    elif who == "other_owner_same_unit":
        _signed_in(client, case, index=1, mobile="13900000002")
    elif who == "owner_other_unit":
        _signed_in(client, _published(), mobile="13900000003")
    elif who == "staff":
        client.force_login(officer("FZ"))
    for name in ("objection", "objection_receipt_pdf", "objection_reply_pdf"):
        response = client.get(reverse(f"owners:{name}", args=[case.pk, objection.pk]))
        assert response.status_code == status, (name, response.status_code)
    mine = client.get(reverse("owners:objections", args=[case.pk]))
    if who == "objector":
        assert objection.number in mine.content.decode()
    elif who == "other_owner_same_unit":
        assert objection.number not in mine.content.decode()


def test_the_objector_sees_the_state_and_the_reply(client):
    case = _published()
    account, _owner = _signed_in(client, case)
    objection = _objection_of(case, account.user)
    mine = reverse("owners:objections", args=[case.pk])
    reply_url = reverse("owners:objection_reply_pdf", args=[case.pk, objection.pk])
    assert reply_url not in client.get(mine).content.decode()
    assert client.get(reply_url).status_code == 404
    objections.objection_record_handling(
        objection=objection,
        actor=officer(),
        kind="meeting",
        on=TODAY(),
        attendees="异议人、代建单位",
        summary="改用静音曳引机",
    )
    assert "已召开调解会1次" in client.get(mine).content.decode()
    objections.objection_close(
        objection=objection, actor=officer(), outcome="resolved", reasons="改用静音曳引机", reply_text="方案已调整。"
    )
    html = client.get(mine).content.decode()
    assert "经协调解决（方案调整）" in html and reply_url in html
    page = client.get(reverse("owners:objection", args=[case.pk, objection.pk])).content.decode()
    assert "改用静音曳引机" in page
    assert client.get(reply_url).status_code == 200


def test_the_public_check_says_genuine_and_the_state_never_the_reasons(client):
    case = _published()
    account, owner = _signed_in(client, case)
    objection = _objection_of(case, account.user)
    client.logout()
    response = client.get(reverse("owners:objection_verify", args=[objection.code.lower()]))
    html = response.content.decode()
    assert response.status_code == 200 and "真实异议受理回执" in html
    assert objection.number in html and "已受理，待联系" in html
    assert "噪音" not in html and owner.name not in html and owner.name[0] in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    missing = client.get(reverse("owners:objection_verify", args=["ACDEACDEACDE"]))
    assert missing.status_code == 404 and "不是本平台出具的异议受理回执" in missing.content.decode()


def test_my_objections_read_flat_in_rows(client):
    case = _published()
    account, _owner = _signed_in(client, case)
    counts = []
    for n in (1, 5):
        while Objection.objects.count() < n:
            _objection_of(case, account.user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("owners:objections", args=[case.pk])).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_once_the_case_has_ended_the_portal_offers_no_objection_and_says_where_to_go(client):
    case = _published()
    _signed_in(client, case)
    step = case.steps.get(number=2)
    record_paper(step)
    case_decide_step(step=step, actor=reviewer_for(step), decision="reject", note="方案不符合规划")
    notice_page = client.get(reverse("owners:notice", args=[case.pk])).content.decode()
    assert 'id="objection-new"' not in notice_page
    form_page = client.get(reverse("owners:objection_new", args=[case.pk])).content.decode()
    assert 'id="objection-form"' not in form_page and "网上不再受理异议" in form_page
    assert _post(client, case).status_code == 302
    assert not Objection.objects.exists()
