"""The case page's panel "业主账户与激活函" and the staff actions behind it (issue 12): who
sees the panel and its buttons, what each action does, and what a wrong input meets."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from cases import services as case_services
from cases.models import CaseStatus
from cases.tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    AgentBuilderFactory,
    UserFactory,
    officer,
    open_case,
    unit_with_flats,
)
from owners import codes, services
from owners.models import ActivationCode, AgreementSignature, OwnerAccount

from .factories import activated

pytestmark = pytest.mark.django_db

PANEL_TITLE = "业主账户与激活函"
ISSUE_BUTTON = "签发激活函（未激活业主）"


def _page(case):
    """The accounts page: each owner, their account and signature, the office's buttons."""
    return reverse("admin:owners_case_accounts", args=[case.pk])


def _case_page(case):
    return reverse("admin:cases_case_change", args=[case.pk])


def _letters(case):
    return reverse("admin:owners_case_letters", args=[case.pk])


def _reissue(case, owner_pk):
    return reverse("admin:owners_letter_reissue", args=[case.pk, owner_pk])


def _disable(case, owner_pk):
    return reverse("admin:owners_account_disable", args=[case.pk, owner_pk])


def _signature(case):
    return reverse("admin:owners_paper_signature", args=[case.pk])


def _owners(case):
    return [o for f in case.unit.flats.order_by("floor", "room") for o in f.owners.all()]


def _applicant(case):
    agent = AgentBuilderFactory()
    case_services.case_update_details(case=case, actor=None, agent_builder=agent)
    return UserFactory(with_role="agent_builder", agent_builder=agent)


def _owner_user():
    account, _owner, _case = activated(mobile="13900000077")
    return account.user


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def _pdf_pages(response) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages]


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "panel", "buttons"),
    [
        ("office", True, True),
        ("reviewer", True, False),
        ("city", True, False),
        ("applicant", False, False),
    ],
)
def test_panel_and_buttons_by_role(client, who, panel, buttons):
    case = open_case()
    user = {
        "office": lambda: officer("FZ"),
        "reviewer": lambda: officer("FZ", role="planning_reviewer"),
        "city": lambda: UserFactory(with_role="city_supervisor"),
        "applicant": lambda: _applicant(case),
    }[who]()
    client.force_login(user)
    case_page = client.get(_case_page(case)).content.decode()
    assert (PANEL_TITLE in case_page) is panel
    response = client.get(_page(case))
    assert response.status_code == (200 if panel else 403)
    html = response.content.decode()
    assert (ISSUE_BUTTON in html) is buttons
    assert ('class="owner-actions"' in html) is buttons  # 签发/补发, 停用账户, 登记纸质签署
    if panel:
        for owner in _owners(case):
            assert owner.name in html


def test_another_districts_officer_finds_neither_the_case_nor_the_actions(client):
    case = open_case()
    owner = _owners(case)[0]
    client.force_login(officer("LC"))
    # The admin's own answer for an object it cannot find: back to the index, no panel.
    page = client.get(_case_page(case), follow=True).content.decode()
    assert PANEL_TITLE not in page and owner.name not in page
    assert client.get(_page(case)).status_code == 404
    for url in (_letters(case), _reissue(case, owner.pk), _disable(case, owner.pk), _signature(case)):
        assert client.post(url).status_code == 404
    assert not ActivationCode.objects.exists()


@pytest.mark.parametrize("who", ["reviewer", "city", "applicant"])
def test_only_the_receiving_office_may_act(client, who):
    case = open_case()
    owner = _owners(case)[0]
    user = {
        "reviewer": lambda: officer("FZ", role="planning_reviewer"),
        "city": lambda: UserFactory(with_role="city_supervisor"),
        "applicant": lambda: _applicant(case),
    }[who]()
    client.force_login(user)
    for url in (_letters(case), _reissue(case, owner.pk), _disable(case, owner.pk), _signature(case)):
        assert client.post(url, {"reason": "x", "owner": owner.pk, "signed_on": "2026-01-05"}).status_code == 403
    assert client.get(_signature(case)).status_code == 403
    assert not ActivationCode.objects.exists() and not AgreementSignature.objects.exists()


def test_anonymous_is_sent_to_log_in(client):
    case = open_case()
    for url in (_page(case), _letters(case), _signature(case)):
        response = client.post(url) if url == _letters(case) else client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_owner_account_never_reaches_the_back_office(client):
    case = open_case()
    client.force_login(_owner_user())
    for url in (_page(case), _signature(case), reverse("admin:owners_owneraccount_changelist")):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post(_letters(case)).status_code == 302
    assert ActivationCode.objects.filter(case=case).count() == 0


# --- the letters ------------------------------------------------------------------------------


def test_issuing_answers_the_pdf_and_keeps_no_code(client, tmp_path, settings):
    case = open_case()
    client.force_login(officer("FZ"))
    assert client.get(_letters(case)).status_code == 405  # a GET must not issue codes
    response = client.post(_letters(case))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    pages = _pdf_pages(response)
    assert len(pages) == 6
    assert ActivationCode.objects.filter(case=case, used_at__isnull=True, voided_at__isnull=True).count() == 6
    # The PDF is not kept: nothing under the private files.
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    html = client.get(_page(case)).content.decode()
    assert "激活函已签发（有效期至" in html


def test_nobody_left_to_write_to_says_so(client):
    unit = unit_with_flats(flats=1)
    account, owner, case = activated(open_case(unit=unit))
    client.force_login(officer("FZ"))
    response = client.post(_letters(case), follow=True)
    assert "无需签发" in response.content.decode()
    assert "已激活（手机尾号0001）" in response.content.decode()


def test_no_letters_for_a_case_no_longer_open(client):
    case = open_case()
    case.status = CaseStatus.WITHDRAWN
    case.save(update_fields=["status"])
    client.force_login(officer("FZ"))
    response = client.post(_letters(case), follow=True)
    assert "不再签发" in response.content.decode()
    assert not ActivationCode.objects.exists()
    assert ISSUE_BUTTON not in client.get(_page(case)).content.decode()


def test_reissue_for_one_owner_voids_the_earlier_letter(client):
    case = open_case()
    first = {lt.owner.pk: lt for lt in services.activation_codes_issue(case=case, actor=None)}
    owner = _owners(case)[2]
    client.force_login(officer("FZ"))
    response = client.post(_reissue(case, owner.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (page,) = _pdf_pages(response)
    assert owner.name in "".join(page.split())
    old = ActivationCode.objects.get(digest=codes.digest(first[owner.pk].code))
    assert old.voided_at is not None
    # The others' letters stand.
    assert ActivationCode.objects.filter(used_at__isnull=True, voided_at__isnull=True).count() == 6


def test_reissue_is_refused_while_the_account_is_active(client):
    account, owner, case = activated()
    client.force_login(officer("FZ"))
    response = client.post(_reissue(case, owner.pk), follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "请先停用账户" in response.content.decode()
    assert not ActivationCode.objects.filter(owner=owner, used_at__isnull=True).exists()


@pytest.mark.parametrize("owner_pk", [999999, 10**30, "other-unit"])
def test_reissue_for_an_owner_not_of_the_unit_is_a_clear_message(client, owner_pk):
    case = open_case()
    if owner_pk == "other-unit":
        owner_pk = _owners(open_case())[0].pk
    client.force_login(officer("FZ"))
    response = client.post(_reissue(case, owner_pk), follow=True)
    assert "不是本梯号房屋的登记业主" in response.content.decode()
    assert not ActivationCode.objects.exists()


# --- disabling an account ------------------------------------------------------------------


def test_disable_needs_a_reason_then_stops_the_account(client):
    account, owner, case = activated(mobile="13900000031")
    client.force_login(officer("FZ"))
    page = client.get(_disable(case, owner.pk))
    assert page.status_code == 200 and "尾号0031" in page.content.decode()
    assert "13900000031" not in page.content.decode()
    for reason in ("", "   "):
        response = client.post(_disable(case, owner.pk), {"reason": reason})
        assert response.status_code == 200
        assert "请填写停用原因" in response.content.decode()
    response = client.post(_disable(case, owner.pk), {"reason": "长" * 5000})
    assert response.status_code == 200 and "最多200个字" in response.content.decode()
    account.refresh_from_db()
    assert not account.is_disabled
    response = client.post(_disable(case, owner.pk), {"reason": "手机丢失"}, follow=True)
    account.refresh_from_db()
    assert account.is_disabled and account.disabled_reason == "手机丢失"
    html = response.content.decode()
    assert "已停用" in html
    # Now a letter may be printed again for them.
    assert client.post(_reissue(case, owner.pk))["Content-Type"] == "application/pdf"


def test_disable_without_an_account_in_use_says_so(client):
    case = open_case()
    client.force_login(officer("FZ"))
    response = client.post(_disable(case, _owners(case)[0].pk), {"reason": "x"}, follow=True)
    assert "没有正在使用的业主账户" in response.content.decode()


# --- the agreement's paper signatures ------------------------------------------------------


def _sign(client, case, owner, **extra):
    data = {"owner": owner.pk, "signed_on": timezone.localdate().isoformat(), **extra}
    return client.post(_signature(case), data)


def test_a_paper_signature_by_the_owner_is_recorded_once(client):
    case = open_case()
    owner = _owners(case)[0]
    user = officer("FZ")
    client.force_login(user)
    assert client.get(_signature(case) + f"?owner={owner.pk}").status_code == 200
    response = _sign(client, case, owner)
    assert response.status_code == 302
    signature = AgreementSignature.objects.get(case=case, owner=owner)
    assert signature.channel == "paper" and signature.recorded_by == user and not signature.proxy_name
    assert AuditEvent.objects.filter(event="owner_agreement_signed", case=case).count() == 1
    html = client.get(_page(case)).content.decode()
    assert "已纸质签署" in html and "1/6" in html
    # A second one: refused, by the form (no longer offered) and by the service.
    again = _sign(client, case, owner)
    assert again.status_code == 200 and "已登记签署" in again.content.decode()
    with pytest.raises(Exception, match="不能重复登记"):
        services.agreement_record_paper(case=case, owner=owner, actor=user, signed_on=timezone.localdate())
    assert AgreementSignature.objects.count() == 1


def test_a_proxy_signature_needs_the_relation_and_a_real_power_of_attorney(client, settings):
    case = open_case()
    owner = _owners(case)[1]
    client.force_login(officer("FZ"))
    cases = [
        ({"proxy_name": "李小明"}, "关系"),
        ({"proxy_name": "李小明", "proxy_relation": "儿子"}, "请上传委托书"),
        (
            {
                "proxy_name": "李小明",
                "proxy_relation": "儿子",
                "proxy_letter": SimpleUploadedFile("委托书.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
            },
            "不是PDF、JPEG或PNG文件",
        ),
        ({"proxy_relation": "儿子"}, "没有填写代签人姓名"),
        ({"proxy_name": "李" * 500}, "最多50个字"),
        ({"signed_on": "2999-01-01"}, "签署日期"),
        ({"signed_on": "not a date"}, "年-月-日"),
    ]
    for data, message in cases:
        response = _sign(client, case, owner, **data)
        assert response.status_code == 200, data
        assert message in response.content.decode(), (data, message)
    assert not AgreementSignature.objects.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]  # nothing half-saved
    letter = SimpleUploadedFile("scan.png", PNG_BYTES, content_type="image/png")
    response = _sign(client, case, owner, proxy_name="李小明", proxy_relation="儿子", proxy_letter=letter)
    assert response.status_code == 302
    signature = AgreementSignature.objects.get(owner=owner)
    assert signature.proxy_letter_type == "image/png" and signature.proxy_letter.name.endswith(".png")
    html = client.get(_page(case)).content.decode()
    assert "由李小明（儿子）代签" in html
    # The office downloads the power of attorney; the download is logged.
    url = reverse("admin:owners_proxy_letter", args=[signature.pk])
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG_BYTES
    assert AuditEvent.objects.filter(event="owner_proxy_letter_downloaded", case=case).exists()
    # Others who see the case may not take it; another office does not find it.
    for user, status in (
        (officer("FZ", role="planning_reviewer"), 403),
        (UserFactory(with_role="city_supervisor"), 403),
        (officer("LC"), 404),
        (_applicant(case), 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status


def test_unknown_or_foreign_owner_in_the_signature_form(client):
    case = open_case()
    foreign = _owners(open_case())[0]
    client.force_login(officer("FZ"))
    for pk in (foreign.pk, 999999, 10**30, "abc", "1" * 5000):
        response = client.post(_signature(case), {"owner": pk, "signed_on": "2026-01-05"})
        assert response.status_code == 200
        assert "不是本梯号房屋的登记业主" in response.content.decode()
    with pytest.raises(Exception, match="不是本梯号房屋的登记业主"):
        services.agreement_record_paper(
            case=case, owner=foreign, actor=officer("FZ"), signed_on=datetime.date(2026, 1, 5)
        )
    assert not AgreementSignature.objects.exists()


def test_the_service_refuses_anyone_but_the_office():
    case = open_case()
    owner = _owners(case)[0]
    for user in (officer("FZ", role="planning_reviewer"), officer("LC"), None):
        with pytest.raises(PermissionDenied):
            services.agreement_record_paper(case=case, owner=owner, actor=user, signed_on=timezone.localdate())
    letter = SimpleUploadedFile("a.pdf", PDF_BYTES)
    signature = services.agreement_record_paper(
        case=case,
        owner=owner,
        actor=officer("FZ"),
        signed_on=timezone.localdate(),
        proxy_name="王五",
        proxy_relation="女儿",
        proxy_letter=letter,
    )
    assert signature.proxy_letter_type == "application/pdf"


def test_online_confirmations_show_with_their_time(client):
    account, owner, case = activated()
    AgreementSignature.objects.create(case=case, owner=owner, channel="online", account=account)
    client.force_login(officer("FZ"))
    html = client.get(_page(case)).content.decode()
    assert "已网上确认签署" in html
    assert "须纸质签署" in html  # the others have no account


# --- the admin lists -----------------------------------------------------------------------


def test_account_list_is_scoped_masked_and_read_only(client):
    account, owner, case = activated(mobile="13900000042")
    client.force_login(officer("FZ"))
    changelist = reverse("admin:owners_owneraccount_changelist")
    html = client.get(changelist).content.decode()
    assert "139****0042" in html and "13900000042" not in html
    change = reverse("admin:owners_owneraccount_change", args=[account.pk])
    page = client.get(change).content.decode()
    assert "139****0042" in page
    assert "13900000042" not in page, re.findall(r".{200}13900000042.{100}", page, re.S)
    assert "pbkdf2" not in page and "md5$" not in page
    assert client.post(change, {"mobile": "13900000099"}).status_code == 403
    assert OwnerAccount.objects.get().mobile == "13900000042"
    client.force_login(officer("LC"))
    assert "139****0042" not in client.get(changelist).content.decode()
    client.force_login(_applicant(case))
    assert client.get(changelist).status_code == 403


def test_code_list_never_shows_digests_and_nobody_edits_it(client):
    case = open_case()
    services.activation_codes_issue(case=case, actor=None)
    code = ActivationCode.objects.first()
    superuser = UserFactory(is_superuser=True, jurisdiction=None)
    client.force_login(superuser)
    html = client.get(reverse("admin:owners_activationcode_changelist")).content.decode()
    assert case.number in html and code.digest not in html
    change = reverse("admin:owners_activationcode_change", args=[code.pk])
    assert code.digest not in client.get(change).content.decode()
    assert client.post(change, {"failed_attempts": 0}).status_code == 403
    assert client.post(reverse("admin:owners_activationcode_delete", args=[code.pk])).status_code == 403


def test_a_huge_case_number_in_the_address_is_not_found(client):
    client.force_login(officer("FZ"))
    for url in (
        f"/admin/owners/owneraccount/case/{10**30}/letters/",
        f"/admin/owners/owneraccount/case/{10**30}/signature/",
        f"/admin/owners/owneraccount/proxy-letter/{10**30}/",
    ):
        response = client.post(url) if url.endswith("letters/") else client.get(url)
        assert response.status_code == 404


def test_the_print_service_checks_the_office_before_anything_else():
    case = open_case()
    case.status = CaseStatus.COMPLETED
    case.save(update_fields=["status"])
    with pytest.raises(PermissionDenied):
        services.activation_letters_print(case=case, actor=officer("FZ", role="planning_reviewer"))
    with pytest.raises(ValidationError, match="不再签发"):
        services.activation_letters_print(case=case, actor=officer("FZ"))


def test_the_case_page_leads_to_the_accounts(client):
    # The case's form wraps the panels in its own <form>: the panel holds none of its own.
    case = open_case()
    client.force_login(officer("FZ"))
    for params in ({}, {"edit": 1}):
        html = client.get(_case_page(case), params).content.decode()
        panel = html.split('id="owner-accounts"')[1].split("</section>")[0]
        assert "<form" not in panel and ISSUE_BUTTON not in panel
        assert _page(case) in panel


def test_the_case_pages_panel_costs_the_same_queries_whatever_the_units_size(client):
    client.force_login(officer("FZ"))
    counts = []
    for flats in (2, 30):
        case = open_case(unit=unit_with_flats(flats=flats))
        client.get(_case_page(case))  # the first request fills the caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_case_page(case)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
