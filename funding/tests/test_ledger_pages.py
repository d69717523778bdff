"""The ledger's pages: the staff page inside the funding admin (who reads, who records, the
refusals in Chinese, never a 500), the vouchers' downloads, the receipt and the monthly
statement as PDFs (their text read with pypdf), the receipt's public check, and the owners'
page, which shows rooms and statuses and never a name."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from cases.models import Case
from cases.tests.factories import PDF_BYTES, AgentBuilderFactory, UserFactory, officer
from funding.models import LedgerEntry, LedgerKind
from funding.services_ledger import ledger_entry_reverse
from owners.tests.factories import activated

from .test_ledger import contribute, funded_case, pay

pytestmark = pytest.mark.django_db


def _ledger_url(case):
    return reverse("admin:funding_case_ledger", args=[case.pk])


def _pdf_text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _agent_for(case):
    builder = AgentBuilderFactory(jurisdiction=case.jurisdiction)
    Case.objects.filter(pk=case.pk).update(agent_builder=builder)
    return UserFactory(with_role="agent_builder", agent_builder=builder, jurisdiction=case.jurisdiction)


def _post_entry(client, case, **data):
    payload = {
        "action": "record",
        "kind": LedgerKind.CONTRIBUTION,
        "date": timezone.localdate().isoformat(),
        "amount": "100.00",
        "flat": case.unit.flats.get(room="201").pk,
        "counterparty": "201室 张三",
        "note": "",
        **data,
    }
    return client.post(_ledger_url(case), payload)


# --- who reads, who records ----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "reads", "records", "prints"),
    [
        (("FZ", "district_officer"), 200, True, True),
        (("FZ", "planning_reviewer"), 200, False, False),
        (("FZ", "fund_reviewer"), 200, False, False),
        (("FZ", "city_supervisor"), 200, False, False),
        (("LC", "district_officer"), 404, False, False),
        (("LC", "fund_reviewer"), 404, False, False),
    ],
)
def test_permission_rows(client, who, reads, records, prints):
    case = funded_case()
    entry = contribute(case, "201", "100.00")
    client.force_login(officer(*who))
    response = client.get(_ledger_url(case))
    assert response.status_code == reads
    if reads == 200:
        page = response.content.decode()
        assert ("ledger-entry-form" in page) is records
        assert (reverse("owners:ledger_receipt_staff", args=[entry.pk]) in page) is prints
    posted = _post_entry(client, case)
    assert posted.status_code == (302 if records else (403 if reads == 200 else 404))
    receipt = client.get(reverse("owners:ledger_receipt_staff", args=[entry.pk]))
    assert receipt.status_code == (200 if prints else (403 if reads == 200 else 404))
    assert LedgerEntry.objects.filter(case=case).count() == (2 if records else 1)


def test_the_applicant_side_reads_and_prints_receipts_but_does_not_record(client):
    case = funded_case()
    entry = contribute(case, "201", "100.00")
    client.force_login(_agent_for(case))
    page = client.get(_ledger_url(case)).content.decode()
    assert "ledger-entry-form" not in page and entry.number in page
    assert _post_entry(client, case).status_code == 403
    response = client.get(reverse("owners:ledger_receipt_staff", args=[entry.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    other = funded_case()  # not its case: not found
    assert client.get(_ledger_url(other)).status_code == 404


def test_an_owner_is_sent_away_from_the_staff_pages(client):
    case = funded_case()
    entry = contribute(case, "201", "100.00")
    account, _owner, _case = activated(case)
    client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
    assert client.get(_ledger_url(case)).status_code == 302
    assert client.get(reverse("owners:ledger_receipt_staff", args=[entry.pk])).status_code == 302


# --- recording through the page --------------------------------------------------------


def test_the_officer_records_a_payment_with_its_voucher_and_reads_it_back(client):
    case = funded_case()
    client.force_login(officer())
    voucher = SimpleUploadedFile("监理发票.pdf", PDF_BYTES, content_type="application/pdf")
    response = _post_entry(
        client,
        case,
        kind=LedgerKind.SUPERVISOR,
        flat="",
        counterparty="泉州某监理公司",
        amount="1,234.56",
        voucher=voucher,
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(case=case)
    assert entry.amount == Decimal("1234.56") and entry.voucher_name == "监理发票.pdf"
    page = client.get(_ledger_url(case)).content.decode()
    assert "泉州某监理公司" in page and "1234.56" in page
    download = client.get(reverse("admin:funding_ledger_voucher", args=[case.pk, entry.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["Cache-Control"].startswith("private, no-store")
    assert AuditEvent.objects.filter(case=case, event="ledger_voucher_downloaded").count() == 1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"amount": "0"}, "必须大于零"),
        ({"amount": "-1"}, "必须大于零"),
        ({"amount": "1e400"}, "不能超过"),
        ({"amount": "NaN"}, "格式不正确"),
        ({"amount": "0.001"}, "精确到分"),
        ({"amount": "9" * 41}, "金额"),
        ({"amount": ""}, "请填写金额"),
        ({"date": "2026-13-45"}, "日期格式不正确"),
        ({"date": "3000-01-01"}, "不能晚于今天"),
        ({"date": "1900-01-01"}, "不能早于"),
        ({"date": ""}, "请填写日期"),
        ({"counterparty": "=CMD|' /C calc'!A0"}, "不能以"),
        ({"counterparty": "名" * 5000}, "不能超过100字"),
        ({"note": "注" * 5000}, "不能超过200字"),
        ({"kind": "bribe"}, "类别"),
        ({"flat": "abc"}, "房号"),
        ({"flat": "999999"}, "房号"),
        ({"flat": ""}, "须注明房号"),
        ({"voucher": SimpleUploadedFile("发票.pdf", b"GIF89a", content_type="application/pdf")}, "不是PDF"),
    ],
)
def test_hostile_inputs_are_refused_in_chinese_never_a_500_nothing_saved(client, data, words):
    case = funded_case()
    client.force_login(officer())
    response = _post_entry(client, case, **data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not LedgerEntry.objects.filter(case=case).exists()


def test_reversing_through_the_page_once_with_a_reason(client):
    case = funded_case()
    entry = contribute(case, "201", "100.00")
    client.force_login(officer())
    url = _ledger_url(case)
    refused = client.post(url, {"action": "reverse", "entry": entry.pk, "reason": ""})
    assert refused.status_code == 400 and "请填写冲销原因" in refused.content.decode()
    assert client.post(url, {"action": "reverse", "entry": entry.pk, "reason": "重复登记"}).status_code == 302
    again = client.post(url, {"action": "reverse", "entry": entry.pk, "reason": "再来"})
    assert again.status_code == 400 and "不能重复冲销" in again.content.decode()
    assert client.post(url, {"action": "reverse", "entry": "x", "reason": "r"}).status_code == 400
    other = contribute(funded_case(), "201", "1.00")
    assert client.post(url, {"action": "reverse", "entry": other.pk, "reason": "r"}).status_code == 404
    assert LedgerEntry.objects.filter(case=case).count() == 2


def test_milestones_through_the_page(client):
    case = funded_case()
    client.force_login(officer())
    url = _ledger_url(case)
    ok = client.post(url, {"action": "milestone", "name": "预付款", "percent": "30", "due_condition": "合同签订后"})
    assert ok.status_code == 302
    both = client.post(url, {"action": "milestone", "name": "x", "percent": "1", "amount": "1", "due_condition": "y"})
    assert both.status_code == 400 and "二者选一" in both.content.decode()
    page = client.get(url).content.decode()
    assert "预付款" in page and "126000.00" in page


def test_the_staff_page_reads_in_a_flat_number_of_queries(client):
    case = funded_case()
    user = officer()
    client.force_login(user)
    contribute(case, "201", "1.00")
    client.get(_ledger_url(case))  # warm the session and roles

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_ledger_url(case)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(30):
        contribute(case, "202", "1.00")
        pay(case, LedgerKind.FEE, "1.00")
    assert count() == few


# --- the papers ------------------------------------------------------------------------


def test_the_receipt_reads_in_figures_and_capitals_with_its_check(client):
    case = funded_case()
    user = officer()
    entry = contribute(case, "201", "21428.57", actor=user, counterparty="张三")
    client.force_login(user)
    response = client.get(reverse("owners:ledger_receipt_staff", args=[entry.pk]))
    text = _pdf_text(response)
    assert "收款收据" in text
    assert "21,428.57" in text
    assert "人民币贰万壹仟肆佰贰拾捌元伍角柒分" in text
    assert entry.number in text and "201" in text and "张三" in text
    assert reverse("owners:ledger_receipt_verify", args=[entry.receipt_code]) in text.replace("\n", "")
    assert AuditEvent.objects.filter(case=case, event="ledger_receipt_printed").count() == 1
    # Its public check: genuine, the room and amount, never the name.
    check = client.get(reverse("owners:ledger_receipt_verify", args=[entry.receipt_code])).content.decode()
    assert "真实收款收据" in check and "21428.57" in check and "张三" not in check
    ledger_entry_reverse(entry=entry, actor=user, reason="错")
    assert "收据作废" in client.get(reverse("owners:ledger_receipt_verify", args=[entry.receipt_code])).content.decode()
    assert client.get(reverse("owners:ledger_receipt_staff", args=[entry.pk])).status_code == 403
    assert client.get(reverse("owners:ledger_receipt_verify", args=["NOSUCHCODE"])).status_code == 404


def test_only_a_contribution_has_a_receipt(client):
    case = funded_case()
    entry = pay(case, LedgerKind.FEE, "10.00")
    client.force_login(officer())
    assert client.get(reverse("owners:ledger_receipt_staff", args=[entry.pk])).status_code == 404


def test_the_monthly_statement_lists_rooms_not_names(client):
    case = funded_case()
    contribute(case, "201", "1000.00", counterparty="张三")
    pay(case, LedgerKind.DESIGNER, "250.50", counterparty="泉州某设计院")
    client.force_login(officer("FZ", "city_supervisor"))
    month = timezone.localdate().strftime("%Y-%m")
    response = client.get(reverse("owners:ledger_statement_staff", args=[case.pk]), {"month": month})
    text = _pdf_text(response)
    assert "月度收支明细" in text and "201室" in text and "泉州某设计院" in text and "张三" not in text
    assert "749.50" in text
    for bad in ("", "2026-13", "abc", "1999-01", "9999-01"):
        url = reverse("owners:ledger_statement_staff", args=[case.pk])
        assert client.get(url, {"month": bad}).status_code == 404


# --- the owners' page ------------------------------------------------------------------


def _owner_client(client, case, room):
    owner = case.unit.flats.get(room=room).ownerships.first().owner
    account, owner, case = activated(case, owner=owner)
    client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
    return owner


def test_the_owners_page_shows_rooms_and_statuses_but_no_names(client):
    case = funded_case()
    names = [o.owner.name for f in case.unit.flats.all() for o in f.ownerships.all()]
    contribute(case, "201", "21428.57", counterparty=names[2])
    contribute(case, "301", "100.00", counterparty=names[4], voucher=SimpleUploadedFile("回单.pdf", PDF_BYTES))
    fee = pay(case, LedgerKind.FEE, "50.00", counterparty="丰泽区某检测所")
    me = _owner_client(client, case, "302")
    page = client.get(reverse("owners:ledger", args=[case.pk])).content.decode()
    for room in ("101", "102", "201", "202", "301", "302"):
        assert f">{room}<" in page
    assert "已缴清" in page and "部分缴纳" in page and "未缴" in page
    assert "丰泽区某检测所" in page and "201室" in page
    for name in names:
        if name != me.name:
            assert name not in page
    # A bank slip of another flat's payment stays with the office; a payment out is open.
    slip = LedgerEntry.objects.get(case=case, flat__room="301")
    assert client.get(reverse("owners:ledger_voucher", args=[case.pk, slip.pk])).status_code == 403
    assert client.get(reverse("owners:ledger_voucher", args=[case.pk, fee.pk])).status_code == 200
    assert (
        client.get(reverse("owners:case", args=[case.pk]))
        .content.decode()
        .count(reverse("owners:ledger", args=[case.pk]))
    )
    statement = client.get(
        reverse("owners:ledger_statement", args=[case.pk]), {"month": timezone.localdate().strftime("%Y-%m")}
    )
    assert "月度收支明细" in _pdf_text(statement)


def test_an_owner_of_another_unit_gets_a_404(client):
    case = funded_case()
    fee = pay(case, LedgerKind.FEE, "50.00")
    _owner_client(client, funded_case(), "201")
    assert client.get(reverse("owners:ledger", args=[case.pk])).status_code == 404
    assert client.get(reverse("owners:ledger_voucher", args=[case.pk, fee.pk])).status_code == 404


def test_the_owners_page_reads_in_a_flat_number_of_queries(client, django_assert_max_num_queries):
    case = funded_case()
    _owner_client(client, case, "201")
    url = reverse("owners:ledger", args=[case.pk])
    client.get(url)
    contribute(case, "201", "1.00")
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(30):
        contribute(case, "202", "1.00")
        pay(case, LedgerKind.FEE, "1.00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
