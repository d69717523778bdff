"""协议 (issue 12 §2): the owner reads the agreement, sees their own row of the cost table,
and confirms it online (确认签署), recorded with the time and the account."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Owner
from cases.tests.factories import PDF_BYTES, UserFactory, jurisdiction, unit_with_flats
from demo.tests.factories import CaseFactory
from documents.numerals import rmb_capital
from documents.services import document_render
from funding.selectors import cost_sharing_table
from owners import services
from owners.models import AgreementSignature, SignatureChannel
from owners.timeline import cn_datetime

from .factories import activated

pytestmark = pytest.mark.django_db

AGREE = "我已阅读并同意《增设电梯协议书》"


def _owner_of(case, room):
    return Owner.objects.get(ownerships__flat__unit=case.unit, ownerships__flat__room=room)


def _signed_in(client, case, room="301"):
    account, owner, case = activated(case, owner=_owner_of(case, room))
    client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
    return account, owner, case


@pytest.fixture
def case_with_agreement():
    case = CaseFactory(at_step=2)
    document = document_render(case=case, template="agreement", actor=None).record
    return case, document


def test_before_any_agreement_version_there_is_nothing_to_sign(client):
    _account, _owner, case = _signed_in(client, CaseFactory(at_step=2))
    page = client.get(reverse("owners:agreement", args=[case.pk])).content.decode()
    assert "协议书还没有出具" in page
    assert AGREE not in page
    assert client.get(reverse("owners:agreement_pdf", args=[case.pk])).status_code == 404


def test_the_page_shows_the_owners_own_row_of_the_cost_table(client, case_with_agreement):
    case, document = case_with_agreement
    _account, owner, case = _signed_in(client, case, room="301")
    page = client.get(reverse("owners:agreement", args=[case.pk])).content.decode()
    rows = {r["flat"].room: r for r in cost_sharing_table(case=case)}
    mine = rows["301"]
    assert mine["amount"] > 0
    assert f"{mine['amount']:,.2f} 元" in page
    assert rmb_capital(mine["amount"]) in page
    assert f"{mine['coefficient']}" in page
    # Nobody else's row: another floor's amount and room do not appear.
    assert rmb_capital(rows["201"]["amount"]) not in page
    assert "201室" not in page
    assert f"第{document.version}版" in page
    assert reverse("owners:agreement_pdf", args=[case.pk]) in page
    assert AGREE in page


def test_the_pdf_is_the_kept_version_and_its_download_is_logged(client, case_with_agreement):
    case, document = case_with_agreement
    account, _owner, case = _signed_in(client, case)
    response = client.get(reverse("owners:agreement_pdf", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(event="document_downloaded", actor=account.user, case=case).count() == 1


def test_confirming_records_the_signature_with_time_and_account_and_shows_it(client, case_with_agreement):
    case, document = case_with_agreement
    account, owner, case = _signed_in(client, case)
    url = reverse("owners:agreement", args=[case.pk])
    before = timezone.now()
    response = client.post(url, {"agree": "on", "document": document.pk}, follow=True)
    signature = AgreementSignature.objects.get(case=case, owner=owner)
    assert signature.channel == SignatureChannel.ONLINE
    assert signature.account == account and signature.document == document
    assert before <= signature.signed_at <= timezone.now()
    page = response.content.decode()
    assert f"您已于{cn_datetime(signature.signed_at)}在网上确认签署" in page
    assert AGREE not in page  # no second form
    assert AuditEvent.objects.filter(event="owner_agreement_signed", actor=account.user, case=case).exists()
    # 我的加梯 no longer asks for it.
    assert "确认签署协议" not in client.get(reverse("owners:case", args=[case.pk])).content.decode()


def test_confirming_without_the_tick_says_so_and_saves_nothing(client, case_with_agreement):
    case, document = case_with_agreement
    _account, _owner, case = _signed_in(client, case)
    response = client.post(reverse("owners:agreement", args=[case.pk]), {"document": document.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "请先勾选“我已阅读并同意《增设电梯协议书》”" in page
    assert 'aria-invalid="true"' in page
    assert not AgreementSignature.objects.filter(case=case).exists()


def test_a_second_confirmation_does_not_duplicate(client, case_with_agreement):
    case, document = case_with_agreement
    _account, owner, case = _signed_in(client, case)
    url = reverse("owners:agreement", args=[case.pk])
    client.post(url, {"agree": "on", "document": document.pk})
    first = AgreementSignature.objects.get(case=case, owner=owner)
    client.post(url, {"agree": "on", "document": document.pk})
    assert AgreementSignature.objects.filter(case=case, owner=owner).count() == 1
    assert AgreementSignature.objects.get(case=case, owner=owner).signed_at == first.signed_at


def test_a_newer_version_asks_to_read_again_before_confirming(client, case_with_agreement):
    case, old = case_with_agreement
    _account, _owner, case = _signed_in(client, case)
    new = document_render(case=case, template="agreement", actor=None).record
    response = client.post(
        reverse("owners:agreement", args=[case.pk]), {"agree": "on", "document": old.pk}, follow=True
    )
    assert f"协议书已更新为第{new.version}版" in response.content.decode()
    assert not AgreementSignature.objects.filter(case=case).exists()


def test_a_paper_signature_by_a_proxy_is_shown(client, case_with_agreement):
    case, _document = case_with_agreement
    _account, owner, case = _signed_in(client, case)
    clerk = UserFactory(with_role="district_officer", jurisdiction=jurisdiction("FZ"))
    AgreementSignature.objects.create(
        case=case,
        owner=owner,
        channel=SignatureChannel.PAPER,
        recorded_by=clerk,
        proxy_name="王小明",
        proxy_relation="儿子",
        proxy_letter=SimpleUploadedFile("委托书.pdf", PDF_BYTES, content_type="application/pdf"),
        proxy_letter_type="application/pdf",
    )
    page = client.get(reverse("owners:agreement", args=[case.pk])).content.decode()
    assert "签署纸质协议书" in page
    assert "由王小明（儿子）凭委托书代签" in page
    assert AGREE not in page


def test_another_units_agreement_is_a_404(client, case_with_agreement):
    other, _document = case_with_agreement
    _signed_in(client, CaseFactory(unit=unit_with_flats(), at_step=2))
    assert client.get(reverse("owners:agreement", args=[other.pk])).status_code == 404
    assert client.post(reverse("owners:agreement", args=[other.pk]), {"agree": "on"}).status_code == 404
    assert client.get(reverse("owners:agreement_pdf", args=[other.pk])).status_code == 404
    assert not AgreementSignature.objects.exists()


def test_the_service_refuses_what_no_page_offers():
    """Defence behind the pages: another unit's owner record, another case's document, a
    closed case."""
    account, owner, case = activated(mobile="13900000301")
    other_account, other_owner, other_case = activated(mobile="13900000302")
    agreement = document_render(case=case, template="agreement", actor=None).record
    other_agreement = document_render(case=other_case, template="agreement", actor=None).record
    with pytest.raises(PermissionDenied):
        services.agreement_confirm_online(account=account, case=case, owner=other_owner, document=agreement)
    with pytest.raises(PermissionDenied):  # the owner's own record, but not a flat of that unit
        services.agreement_confirm_online(account=account, case=other_case, owner=owner, document=other_agreement)
    with pytest.raises(ValidationError, match="不是本案"):
        services.agreement_confirm_online(account=account, case=case, owner=owner, document=other_agreement)
    type(case).objects.filter(pk=case.pk).update(status="rejected")
    with pytest.raises(ValidationError, match="不在办理中"):
        services.agreement_confirm_online(account=account, case=case, owner=owner, document=agreement)
