"""A flat's account page (later joiners and sales, issue 15 §3) and the owners' side of them:
who reads and who records (role × own/other district × applicant side × owners × anonymous),
hostile inputs refused in Chinese, queries flat in the rows; the owner representative's
receipts in the portal; the ledger's totals net of reversals on every page that shows them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from cases.tests.factories import officer
from documents.evidence import collect_items
from funding.models import LedgerEntry, LedgerKind
from funding.models_accounts import FlatTransfer, LateJoin
from funding.selectors_ledger import case_ledger
from funding.services_ledger import ledger_entry_reverse

from .test_ledger import contribute, flat, funded_case, pay
from .test_ledger_pages import _agent_for, _ledger_url, _owner_client, _pdf_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    when = {"on": TODAY() - datetime.timedelta(days=400)}
    monkeypatch.setattr("funding.selectors_accounts.use_registered_on", lambda case: when["on"])
    return when


def _paid_case():
    case = funded_case("100000.00")
    shares = {a.room: a.share for a in case_ledger(case=case).accounts}
    for room in ("201", "301", "302"):
        contribute(case, room, str(shares[room]))
    return case


def _url(case, room):
    return reverse("admin:funding_flat_account", args=[case.pk, flat(case, room).pk])


def _join(client, case, room="202", **data):
    payload = {"action": "late_join", "joined_on": TODAY().isoformat(), "counterparty": "202室 王五", **data}
    return client.post(_url(case, room), payload)


def _transfer(client, case, room="201", **data):
    payload = {"action": "transfer", "transferred_on": TODAY().isoformat(), "new_owners": "赵六", **data}
    return client.post(_url(case, room), payload)


# --- the permission matrix ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "reads", "records"),
    [
        (("FZ", "district_officer"), 200, True),
        (("FZ", "planning_reviewer"), 200, False),
        (("FZ", "urban_reviewer"), 200, False),
        (("FZ", "market_reviewer"), 200, False),
        (("FZ", "fund_reviewer"), 200, False),
        ((None, "city_supervisor"), 200, False),
        (("LC", "district_officer"), 404, False),
        (("LC", "fund_reviewer"), 404, False),
        (("FZ", "using_unit"), 404, False),  # a using unit sees no case page, set district or not
        (("FZ", "agent_builder"), 404, False),  # an agent builder not of this case
    ],
)
def test_permission_rows(client, who, reads, records):
    case = _paid_case()
    user = officer(who[0] or "FZ", who[1])
    client.force_login(user)
    page = client.get(_url(case, "202"))
    assert page.status_code == reads
    if reads == 200:
        text = page.content.decode()
        assert "21428.57" in text and "late-join-computation" in text
        assert ("late-join-form" in text) is records and ("transfer-form" in text) is records
    refused = 403 if reads == 200 else 404
    assert _join(client, case).status_code == (302 if records else refused)
    assert _transfer(client, case).status_code == (302 if records else refused)
    assert LateJoin.objects.count() == (1 if records else 0)
    assert FlatTransfer.objects.count() == (1 if records else 0)


def test_the_applicant_side_reads_but_does_not_record(client):
    case = _paid_case()
    client.force_login(_agent_for(case))
    text = client.get(_url(case, "202")).content.decode()
    assert "late-join-computation" in text and "late-join-form" not in text
    assert _join(client, case).status_code == 403
    assert _transfer(client, case).status_code == 403
    other = funded_case()
    assert client.get(_url(other, "202")).status_code == 404


def test_owners_and_anonymous_are_sent_away(client):
    case = _paid_case()
    assert client.get(_url(case, "202")).status_code == 302  # to the staff sign-in
    assert _join(client, case).status_code == 302
    _owner_client(client, case, "202")
    assert client.get(_url(case, "202")).status_code == 302
    assert _join(client, case).status_code == 302
    assert not LateJoin.objects.exists()


def test_a_flat_of_another_unit_is_not_found(client):
    case = _paid_case()
    other = funded_case()
    client.force_login(officer())
    url = reverse("admin:funding_flat_account", args=[case.pk, other.unit.flats.get(room="202").pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "late_join"}).status_code == 404


# --- the computation and recording through the page -----------------------------------------


def test_the_page_shows_the_computation_and_records_it(client, registered):
    case = _paid_case()
    registered["on"] = TODAY().replace(year=TODAY().year - 10)
    client.force_login(officer())
    text = client.get(_url(case, "202")).content.decode()
    for shown in ("21428.57", "10年", "(180−120)/120 = 0.5000", "10714.29"):
        assert shown in text
    response = _join(client, case, expected_amount="10714.29")
    assert response.status_code == 302
    join = LateJoin.objects.get()
    assert join.amount == Decimal("10714.29")
    ledger = case_ledger(case=case)
    assert sum(a.shared_back for a in ledger.accounts) == Decimal("10714.29")
    staff = client.get(_ledger_url(case)).content.decode()
    assert "后续加入" in staff and "分回" in staff
    again = client.get(_url(case, "202")).content.decode()
    assert join.number in again and "late-join-form" not in again


def test_a_changed_amount_is_not_recorded(client):
    case = _paid_case()
    client.force_login(officer())
    response = _join(client, case, expected_amount="21428.58")
    assert response.status_code == 400 and "补缴金额已变为21428.57元" in response.content.decode()
    assert not LateJoin.objects.exists()


@pytest.mark.parametrize(
    ("action", "data", "words"),
    [
        ("late_join", {"counterparty": ""}, "请填写缴款人"),
        ("late_join", {"counterparty": "=1+1"}, "不能以 = + - @ 开头"),
        ("late_join", {"counterparty": "王" * 101}, "不能超过100字"),
        ("late_join", {"joined_on": "2026-02-30"}, "日期格式不正确"),
        ("late_join", {"joined_on": "9999-01-01"}, "不能晚于今天"),
        ("late_join", {"expected_amount": "abc"}, "补缴金额格式不正确"),
        ("late_join", {"counterparty": "\ufeff\u202e"}, "请填写收付款方"),
        ("transfer", {"new_owners": ""}, "请填写新业主"),
        ("transfer", {"new_owners": "@cmd"}, "不能以 = + - @ 开头"),
        ("transfer", {"new_owners": "名" * 201}, "不能超过200字"),
        ("transfer", {"transferred_on": "yesterday"}, "日期格式不正确"),
    ],
)
def test_hostile_inputs_are_refused_in_chinese_never_a_500_nothing_saved(client, action, data, words):
    case = _paid_case()
    client.force_login(officer())
    before = LedgerEntry.objects.count()
    response = (_join if action == "late_join" else _transfer)(client, case, **data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert LedgerEntry.objects.count() == before
    assert not LateJoin.objects.exists() and not FlatTransfer.objects.exists()


def test_a_malformed_day_to_compute_for_is_said_and_today_used(client):
    case = _paid_case()
    client.force_login(officer())
    for bad in ("abc", "2026-13-01", "9999-01-01", "1900-01-01", "x" * 5000):
        response = client.get(_url(case, "202"), {"on": bad})
        assert response.status_code == 200 and "已按今天计算" in response.content.decode()
    assert client.post(_url(case, "202"), {"action": "nonsense"}).status_code == 302


def test_the_sale_through_the_page_keeps_both_owners_on_record(client):
    case = _paid_case()
    client.force_login(officer())
    before_owner = "、".join(o.owner.name for o in flat(case, "201").ownerships.all())
    assert _transfer(client, case, new_owners="赵六", note="二手房买卖").status_code == 302
    contribute(case, "201", "1.00")
    text = client.get(_url(case, "201")).content.decode()
    assert before_owner in text and "赵六" in text and "21428.57" in text
    assert "原业主已缴 21428.57 元记在原业主名下" in text
    assert AuditEvent.objects.filter(case=case, event="flat_transfer_recorded").count() == 1


def test_the_account_page_reads_in_a_flat_number_of_queries(client, django_assert_max_num_queries):
    case = _paid_case()
    client.force_login(officer())
    url = _url(case, "201")
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    first = len(few.captured_queries)  # read now: the connection's log is a bounded deque
    for i in range(15):
        contribute(case, "201", "1.00")
        pay(case, LedgerKind.FEE, "1.00")
        _transfer(client, case, new_owners=f"业主{i}")
    with django_assert_max_num_queries(first):
        assert client.get(url).status_code == 200


# --- the owners' side ---------------------------------------------------------------------------


def test_an_owner_of_a_flat_that_did_not_pay_reads_what_joining_would_cost(client, registered):
    case = _paid_case()
    registered["on"] = TODAY().replace(year=TODAY().year - 10)
    _owner_client(client, case, "202")
    text = client.get(reverse("owners:ledger", args=[case.pk])).content.decode()
    assert "202室后续加入" in text
    for shown in ("21428.57", "10年", "(180−120)/120 = 0.5000", "10714.29"):
        assert shown in text


def test_an_owner_who_paid_sees_no_joining_but_what_came_back(client):
    case = _paid_case()
    client.force_login(officer())
    _join(client, case)
    client.logout()
    _owner_client(client, case, "301")
    text = client.get(reverse("owners:ledger", args=[case.pk])).content.decode()
    assert "后续加入补缴" in text and "owner-late-join" not in text
    back = {a.room: a.shared_back for a in case_ledger(case=case).accounts}["301"]
    assert f"分回 {back}" in text


def test_the_owner_representative_prints_receipts_from_the_portal(client):
    case = _paid_case()
    entry = LedgerEntry.objects.filter(case=case, flat__room="201").first()
    fee = pay(case, LedgerKind.FEE, "10.00")
    owner = _owner_client(client, case, "302")
    url = reverse("owners:ledger_receipt", args=[case.pk, entry.pk])
    # An owner who is not a representative: no link, refused.
    assert url not in client.get(reverse("owners:ledger", args=[case.pk])).content.decode()
    assert client.get(url).status_code == 403
    case.representatives.add(owner)
    assert url in client.get(reverse("owners:ledger", args=[case.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response)
    assert "收款收据" in text and "21,428.57" in text and entry.number in text
    assert AuditEvent.objects.filter(case=case, event="ledger_receipt_printed").count() == 1
    # Not a contribution, another case's entry, a reversed one.
    assert client.get(reverse("owners:ledger_receipt", args=[case.pk, fee.pk])).status_code == 404
    other = funded_case()
    stranger = contribute(other, "201", "1.00")
    assert client.get(reverse("owners:ledger_receipt", args=[case.pk, stranger.pk])).status_code == 404
    assert client.get(reverse("owners:ledger_receipt", args=[other.pk, stranger.pk])).status_code == 404
    ledger_entry_reverse(entry=entry, actor=officer(), reason="录错")
    assert client.get(url).status_code == 403


def test_receipts_in_the_portal_are_for_signed_in_owners_only(client):
    case = _paid_case()
    entry = LedgerEntry.objects.filter(case=case, flat__room="201").first()
    url = reverse("owners:ledger_receipt", args=[case.pk, entry.pk])
    assert client.get(url).status_code == 302  # to the owners' sign-in
    client.force_login(officer())
    assert client.get(url).status_code == 403  # staff print from the back office


# --- totals net of reversals, on every page ---------------------------------------------------


def test_totals_are_net_of_reversals_on_the_staff_page_the_portal_and_the_statement(client):
    case = funded_case()
    wrong = contribute(case, "201", "5000.00")
    contribute(case, "202", "300.00")
    ledger_entry_reverse(entry=wrong, actor=officer(), reason="录错房号")
    client.force_login(officer())
    staff = client.get(_ledger_url(case)).content.decode()
    assert "5300.00" not in staff and "300.00" in staff
    statement = client.get(
        reverse("owners:ledger_statement_staff", args=[case.pk]), {"month": TODAY().strftime("%Y-%m")}
    )
    text = _pdf_text(statement)
    assert "5,300.00" not in text and "300.00" in text
    client.logout()
    _owner_client(client, case, "301")
    portal = client.get(reverse("owners:ledger", args=[case.pk])).content.decode()
    assert "收入合计 300.00" in portal and "支出合计 0.00" in portal


# --- the ledger in the evidence bundle -----------------------------------------------------------


def test_the_ledger_goes_into_the_evidence_bundle_with_its_vouchers(client, tmp_path):
    case = _paid_case()
    client.force_login(officer())
    _join(client, case)
    _transfer(client, case, room="301", new_owners="赵六")
    fee = pay(case, LedgerKind.FEE, "20.00")
    wrong = contribute(case, "201", "5.00")
    ledger_entry_reverse(entry=wrong, actor=officer(), reason="录错")
    items = {i.path: i for i in collect_items(case) if i.path.startswith("06-收支台账/")}
    assert set(items) == {
        "06-收支台账/收支台账.pdf",
        "06-收支台账/收支分录.csv",
        "06-收支台账/各户账户.csv",
        "06-收支台账/后续加入.csv",
        "06-收支台账/过户记录.csv",
        f"06-收支台账/凭证/{fee.number}.pdf",
    }
    entries = items["06-收支台账/收支分录.csv"].data.decode("utf-8-sig")
    assert wrong.number in entries and "录错" in entries and fee.voucher_sha256 in entries
    assert "赵六" in items["06-收支台账/过户记录.csv"].data.decode("utf-8-sig")
    book = items["06-收支台账/收支台账.pdf"].data
    (tmp_path / "book.pdf").write_bytes(book)
    text = "".join(p.extract_text() for p in PdfReader(str(tmp_path / "book.pdf")).pages)
    ledger = case_ledger(case=case)
    assert "收支台账" in text and f"{ledger.balance:,}" in text and "已冲销" in text and "王五" in text
    assert "冲销已相抵" in items["06-收支台账/收支台账.pdf"].description


def test_the_officer_reverses_a_joining_through_the_page(client):
    case = _paid_case()
    client.force_login(officer())
    _join(client, case)
    url = _url(case, "202")
    assert "late-join-reverse-form" in client.get(url).content.decode()
    refused = client.post(url, {"action": "late_join_reverse", "reason": ""})
    assert refused.status_code == 400 and "请填写冲销原因" in refused.content.decode()
    assert client.post(url, {"action": "late_join_reverse", "reason": "录错户"}).status_code == 302
    assert case_ledger(case=case).accounts[3].late_join is None
    assert "late-join-computation" in client.get(url).content.decode()
    nothing = client.post(url, {"action": "late_join_reverse", "reason": "再次"})
    assert nothing.status_code == 302
    client.force_login(officer("FZ", "fund_reviewer"))
    assert client.post(url, {"action": "late_join_reverse", "reason": "x"}).status_code == 403


def test_a_later_joiners_payment_has_its_receipt(client):
    case = _paid_case()
    client.force_login(officer())
    _join(client, case)
    entry = LateJoin.objects.get().entry
    assert entry.receipt_code
    assert reverse("owners:ledger_receipt_staff", args=[entry.pk]) in client.get(_ledger_url(case)).content.decode()
    text = _pdf_text(client.get(reverse("owners:ledger_receipt_staff", args=[entry.pk])))
    assert "后续加入补缴款" in text and "21,428.57" in text
    check = client.get(reverse("owners:ledger_receipt_verify", args=[entry.receipt_code]))
    assert check.status_code == 200 and "21428.57" in check.content.decode()
    share = LedgerEntry.objects.filter(kind=LedgerKind.LATE_JOIN_SHARE).first()
    assert client.get(reverse("owners:ledger_receipt_staff", args=[share.pk])).status_code == 404
