"""The pages of withdrawals and the subsidy: the back office's case page and application page
(who reads, who takes at the window, who decides: each role in the office, another office,
the applicant's side, an owner, anonymous), the owners' portal pages, the packet's PDF (its
text read with pypdf) and its public check, and the lists' query counts flat in rows."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from cases.models import Case
from cases.tests.factories import AgentBuilderFactory, UserFactory, officer
from funding.models import FundingRules, LedgerEntry, Withdrawal
from funding.services_withdrawal import withdrawal_decide

from .test_ledger import funded_case
from .test_withdrawals import apply, fund_reviewer, owner_of, registered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jurisdictions")]

OWNER_BACKEND = "owners.backends.OwnerMobileBackend"


@pytest.fixture
def case():
    c = funded_case("100000.00")
    registered(c)
    return c


def _pdf_text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def _window_post(client, case, **data):
    payload = {
        "action": "provident",
        "flat": case.unit.flats.get(room="302").pk,
        "applicant_name": "李四",
        "relation": "spouse",
        "amount": "5000.00",
        "payee_bank": "中国银行",
        "payee_account": "6216000000001111",
        **data,
    }
    return client.post(reverse("admin:funding_case_withdrawals", args=[case.pk]), payload)


def _agent_for(case):
    builder = AgentBuilderFactory(jurisdiction=case.jurisdiction)
    Case.objects.filter(pk=case.pk).update(agent_builder=builder)
    return UserFactory(with_role="agent_builder", agent_builder=builder, jurisdiction=case.jurisdiction)


USERS = {
    "fz_officer": lambda case: officer("FZ"),
    "fz_fund": lambda case: fund_reviewer("FZ"),
    "fz_planning": lambda case: officer("FZ", role="planning_reviewer"),
    "fz_urban": lambda case: officer("FZ", role="urban_reviewer"),
    "fz_market": lambda case: officer("FZ", role="market_reviewer"),
    "city": lambda case: UserFactory(with_role="city_supervisor"),
    "lc_officer": lambda case: officer("LC"),
    "lc_fund": lambda case: fund_reviewer("LC"),
    "agent": _agent_for,
    "agent_other": lambda case: _agent_for(funded_case()),
}


@pytest.mark.parametrize(
    ("who", "reads", "window", "decides"),
    [
        ("fz_officer", 200, True, False),  # takes at the window; the fund centre decides
        ("fz_fund", 200, True, True),
        ("fz_planning", 200, False, False),
        ("fz_urban", 200, False, False),
        ("fz_market", 200, False, False),
        ("city", 200, False, False),
        ("lc_officer", 404, False, False),
        ("lc_fund", 404, False, False),
        ("agent", 200, False, False),  # the applicant's side reads its own case
        ("agent_other", 404, False, False),
    ],
)
def test_permission_rows(client, case, who, reads, window, decides):
    user, _ = owner_of(case, "201")
    w = apply(case, user)
    client.force_login(USERS[who](case))
    page = client.get(reverse("admin:funding_case_withdrawals", args=[case.pk]))
    assert page.status_code == reads
    if reads == 200:
        text = page.content.decode()
        assert w.number in text and ("withdrawal-window-form" in text) is window
    denied = 403 if reads == 200 else 404
    assert _window_post(client, case).status_code == (302 if window else denied)
    detail = client.get(reverse("admin:funding_withdrawal", args=[case.pk, w.pk]))
    assert detail.status_code == reads
    if reads == 200:
        assert ("withdrawal-decide" in detail.content.decode()) is decides
    decided = client.post(reverse("admin:funding_withdrawal", args=[case.pk, w.pk]), {"decision": "approve"})
    assert decided.status_code == (302 if decides else denied)
    assert Withdrawal.objects.get(pk=w.pk).state == ("approved" if decides else "submitted")
    packet = client.get(reverse("owners:withdrawal_packet_staff", args=[w.pk]))
    assert packet.status_code == (200 if reads == 200 else 404)


def test_owners_and_anonymous_are_sent_away_from_the_staff_pages(client, case):
    user, _ = owner_of(case, "201")
    w = apply(case, user)
    for who in (None, user):
        client.logout()
        if who is not None:
            client.force_login(who, backend=OWNER_BACKEND)
        for url in (
            reverse("admin:funding_case_withdrawals", args=[case.pk]),
            reverse("admin:funding_withdrawal", args=[case.pk, w.pk]),
            reverse("owners:withdrawal_packet_staff", args=[w.pk]),
        ):
            assert client.get(url).status_code == 302
        assert (
            client.post(reverse("admin:funding_withdrawal", args=[case.pk, w.pk]), {"decision": "approve"}).status_code
            == 302
        )
    assert Withdrawal.objects.get().state == "submitted"


def test_the_reviewer_returns_with_a_reason_on_the_page(client, case):
    user, _ = owner_of(case, "201")
    w = apply(case, user)
    client.force_login(fund_reviewer())
    url = reverse("admin:funding_withdrawal", args=[case.pk, w.pk])
    refused = client.post(url, {"decision": "return", "note": ""})
    assert refused.status_code == 400 and "须写明理由" in refused.content.decode()
    assert client.post(url, {"decision": "nonsense"}).status_code == 400
    assert client.post(url, {"decision": "return", "note": "请补充身份证复印件"}).status_code == 302
    assert Withdrawal.objects.get().state == "returned"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"amount": "99999"}, "超过提取上限"),
        ({"amount": "1e400"}, "申请金额"),
        ({"amount": "=1+1"}, "申请金额格式不正确"),
        ({"amount": "x" * 5000}, "不能超过30字"),
        ({"relation": "stranger"}, "请选择申请人与产权人的关系"),
        ({"flat": "abc"}, "请选择房号"),
        ({"flat": "999999"}, "请选择房号"),
        ({"applicant_name": ""}, "请填写申请人姓名"),
        ({"applicant_name": "@SUM(A1)"}, "不能以 = + - @ 开头"),
        ({"payee_account": "\u202e1234"}, "收款账号应为8至30位数字"),
        ({"applicant_name": "\u200b\u200b"}, "请填写申请人姓名"),
    ],
)
def test_hostile_window_input_is_refused_in_chinese_never_a_500(client, case, data, words):
    client.force_login(fund_reviewer())
    response = _window_post(client, case, **data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Withdrawal.objects.exists()


def test_the_case_page_lists_in_a_fixed_number_of_queries(client, case, django_assert_max_num_queries):
    client.force_login(fund_reviewer())
    url = reverse("admin:funding_case_withdrawals", args=[case.pk])
    client.get(url)
    window = fund_reviewer()
    apply(case, window, room="201")
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for room in ("202", "301", "302"):
        apply(case, window, room=room, amount="100.00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# --- the owners' portal ------------------------------------------------------------------------


def test_an_owner_applies_in_the_portal_and_reads_the_packet(client, case):
    user, owner = owner_of(case, "201")
    client.force_login(user, backend=OWNER_BACKEND)
    url = reverse("owners:withdrawals", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "21428.57" in text and "3年内" in text and "申请提取住房公积金" in text
    refused = client.post(
        url,
        {
            "action": "provident",
            "flat": case.unit.flats.get(room="201").pk,
            "applicant_name": owner.name,
            "relation": "owner",
            "amount": "30000",
            "payee_bank": "中国建设银行",
            "payee_account": "6217001234567890",
        },
    )
    assert refused.status_code == 400 and "本次最多可申请21428.57元" in refused.content.decode()
    done = client.post(
        url,
        {
            "action": "provident",
            "flat": case.unit.flats.get(room="201").pk,
            "applicant_name": owner.name,
            "relation": "owner",
            "amount": "20000",
            "payee_bank": "中国建设银行",
            "payee_account": "6217001234567890",
        },
    )
    w = Withdrawal.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("owners:withdrawal", args=[case.pk, w.pk])
    detail = client.get(done["Location"]).content.decode()
    assert w.number in detail and "待审核" in detail and "电梯使用登记证" in detail
    pdf = client.get(reverse("owners:withdrawal_packet", args=[case.pk, w.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf)
    for words in (w.number, "提取住房公积金申请表", "贰万元整", "申请所需材料", "增设电梯费用分摊表", "6217 **** 7890"):
        assert words in text
    assert AuditEvent.objects.filter(event="withdrawal_packet_printed", case=case).count() == 1


def test_the_public_check_names_no_one(client, case):
    user, owner = owner_of(case, "201")
    w = apply(case, user, applicant_name=owner.name)
    withdrawal_decide(withdrawal=w, actor=fund_reviewer(), decision="approve")
    client.logout()
    page = client.get(reverse("owners:withdrawal_verify", args=[w.verify_code]))
    text = page.content.decode()
    assert page.status_code == 200 and w.number in text and "已核准" in text
    assert owner.name not in text and w.payee_account not in text
    assert client.get(reverse("owners:withdrawal_verify", args=["NOPE<script>"])).status_code == 404


def test_another_flat_or_unit_is_not_found_and_staff_are_sent_to_the_back_office(client, case):
    user, _ = owner_of(case, "201")
    neighbour, _ = owner_of(case, "301", mobile="13900000002")
    w = apply(case, neighbour, room="301")
    client.force_login(user, backend=OWNER_BACKEND)
    assert client.get(reverse("owners:withdrawal", args=[case.pk, w.pk])).status_code == 404
    assert client.get(reverse("owners:withdrawal_packet", args=[case.pk, w.pk])).status_code == 404
    other = funded_case()
    assert client.get(reverse("owners:withdrawals", args=[other.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("owners:withdrawals", args=[case.pk])).status_code == 302
    client.force_login(officer("FZ"))
    assert client.get(reverse("owners:withdrawals", args=[case.pk])).status_code == 403


def test_the_representative_applies_for_the_flats_that_agree(client, case):
    user, rep = owner_of(case, "301")
    case.representatives.add(rep)
    client.force_login(user, backend=OWNER_BACKEND)
    url = reverse("owners:withdrawals", args=[case.pk])
    assert "申请使用住宅专项维修资金" in client.get(url).content.decode()
    f201, f202 = case.unit.flats.get(room="201"), case.unit.flats.get(room="202")
    data = {
        "action": "maintenance",
        f"mf-{f201.pk}-agree": "1",
        f"mf-{f201.pk}-amount": "7000",
        f"mf-{f201.pk}-balance": "10000",
        f"mf-{f202.pk}-agree": "1",
        f"mf-{f202.pk}-amount": "7001",
        f"mf-{f202.pk}-balance": "10000",
        "mf-payee_bank": "泉州银行",
        "mf-payee_account": "62170000111122223333",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and "最多可提取7000.00元" in refused.content.decode()
    assert 'value="7001"' in refused.content.decode()  # what was typed stays
    data[f"mf-{f202.pk}-amount"] = "7000"
    assert client.post(url, data).status_code == 302
    assert sorted(Withdrawal.objects.values_list("flat__room", "amount")) == [
        ("201", Decimal("7000.00")),
        ("202", Decimal("7000.00")),
    ]
    # The district officer decides the maintenance fund; the fund reviewer may not.
    w = Withdrawal.objects.get(flat=f201)
    client.force_login(fund_reviewer())
    assert (
        client.post(reverse("admin:funding_withdrawal", args=[case.pk, w.pk]), {"decision": "approve"}).status_code
        == 403
    )
    client.force_login(officer("FZ"))
    assert (
        client.post(reverse("admin:funding_withdrawal", args=[case.pk, w.pk]), {"decision": "approve"}).status_code
        == 302
    )


def test_a_plain_owner_has_no_maintenance_form_and_cannot_post_one(client, case):
    user, _ = owner_of(case, "201")
    client.force_login(user, backend=OWNER_BACKEND)
    url = reverse("owners:withdrawals", args=[case.pk])
    assert "申请使用住宅专项维修资金" not in client.get(url).content.decode()
    assert client.post(url, {"action": "maintenance"}).status_code == 302
    assert not Withdrawal.objects.exists()


def test_a_returned_application_is_corrected_in_the_portal(client, case):
    user, _ = owner_of(case, "201")
    w = apply(case, user)
    withdrawal_decide(withdrawal=w, actor=fund_reviewer(), decision="return", note="金额有误")
    client.force_login(user, backend=OWNER_BACKEND)
    url = reverse("owners:withdrawal", args=[case.pk, w.pk])
    page = client.get(url).content.decode()
    assert "金额有误" in page and "补正后重新提交" in page and "退回补正：金额有误" in page
    bad = client.post(url, {"amount": "abc", "payee_bank": "中国银行", "payee_account": "6216000000001111"})
    assert bad.status_code == 400 and "申请金额格式不正确" in bad.content.decode()
    ok = client.post(url, {"amount": "8000", "payee_bank": "中国银行", "payee_account": "6216000000001111"})
    assert ok.status_code == 302
    assert Withdrawal.objects.get().state == "submitted" and Withdrawal.objects.get().amount == Decimal("8000.00")


def test_the_owners_list_reads_in_a_fixed_number_of_queries(client, case, django_assert_max_num_queries):
    user, _ = owner_of(case, "201")
    client.force_login(user, backend=OWNER_BACKEND)
    url = reverse("owners:withdrawals", args=[case.pk])
    apply(case, user)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    window = fund_reviewer()
    for room in ("202", "301", "302"):
        apply(case, window, room=room, amount="100.00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# --- the deciders' list and the offices' rules -------------------------------------------------


def test_the_deciders_list_shows_their_office_only_and_opens_the_page(client, case):
    user, _ = owner_of(case, "201")
    w = apply(case, user)
    url = reverse("admin:funding_withdrawal_changelist") + "?state__exact=submitted"
    client.force_login(fund_reviewer())
    listed = client.get(url)
    assert listed.status_code == 200 and w.number in listed.content.decode()
    opened = client.get(reverse("admin:funding_withdrawal_change", args=[w.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("admin:funding_withdrawal", args=[case.pk, w.pk])
    client.force_login(fund_reviewer("LC"))
    assert w.number not in client.get(url).content.decode()
    client.force_login(officer("FZ", role="planning_reviewer"))
    assert client.get(url).status_code == 403


def test_only_superusers_set_an_offices_rules_and_each_save_is_logged(client, case):
    url = reverse("admin:funding_fundingrules_add")
    client.force_login(officer("FZ"))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(
        url,
        {
            "jurisdiction": case.jurisdiction.pk,
            "provident_window_years": "5",
            "maintenance_window_years": "",
            "maintenance_keep_percent": "40",
            "subsidy_per_elevator": "80000.00",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(event="funding_rules_saved")
    assert event.data["subsidy_per_elevator"] == "80000.00"
    bad = client.post(url, {"jurisdiction": case.jurisdiction.pk, "maintenance_keep_percent": "140"})
    assert bad.status_code == 200 and AuditEvent.objects.filter(event="funding_rules_saved").count() == 1


def test_the_office_claims_the_subsidy_and_records_its_payment_on_the_page(client, case):
    FundingRules.objects.create(jurisdiction=case.jurisdiction, subsidy_per_elevator=Decimal("60000.00"))
    url = reverse("admin:funding_case_withdrawals", args=[case.pk])
    client.force_login(fund_reviewer())
    assert client.post(url, {"action": "subsidy_claim", "certificate": "梯11闽C00512(26)"}).status_code == 403
    client.force_login(officer("FZ"))
    assert "60000.00" in client.get(url).content.decode()
    refused = client.post(url, {"action": "subsidy_claim", "certificate": ""})
    assert refused.status_code == 400 and "请填写使用登记证编号" in refused.content.decode()
    assert client.post(url, {"action": "subsidy_claim", "certificate": "梯11闽C00512(26)"}).status_code == 302
    page = client.get(url).content.decode()
    assert "subsidy-split" in page and "12857.14" in page  # 201's part: 0.6 / 2.8 of 60000
    bad_date = client.post(url, {"action": "subsidy_paid", "date": "yesterday"})
    assert bad_date.status_code == 400 and "日期格式不正确" in bad_date.content.decode()
    paid = client.post(url, {"action": "subsidy_paid", "date": case.opened_at.date().isoformat()})
    assert paid.status_code == 302
    assert LedgerEntry.objects.get(case=case).kind == "subsidy"


def test_before_the_registration_the_portal_says_why_instead_of_a_form(client):
    case = funded_case()
    user, _ = owner_of(case, "201")
    client.force_login(user, backend=OWNER_BACKEND)
    page = client.get(reverse("owners:withdrawals", args=[case.pk])).content.decode()
    assert "provident-form" not in page
    assert "电梯尚未办理使用登记，提取住房公积金须在使用登记后申请。" in page


def test_the_office_enters_an_approved_withdrawal_in_the_ledger_from_its_page(client, case):
    user, _ = owner_of(case, "201")
    w = withdrawal_decide(withdrawal=apply(case, user), actor=fund_reviewer(), decision="approve")
    url = reverse("admin:funding_withdrawal", args=[case.pk, w.pk])
    client.force_login(fund_reviewer())
    assert "withdrawal-paid-form" not in client.get(url).content.decode()
    assert client.post(url, {"action": "paid", "date": "2026-01-01"}).status_code == 403
    client.force_login(officer("FZ"))
    assert "withdrawal-paid-form" in client.get(url).content.decode()
    bad = client.post(url, {"action": "paid", "date": "2099-01-01"})
    assert bad.status_code == 400 and "日期不能晚于今天" in bad.content.decode()
    assert client.post(url, {"action": "paid", "date": case.opened_at.date().isoformat()}).status_code == 302
    page = client.get(url).content.decode()
    assert "withdrawal-paid" in page and LedgerEntry.objects.get(case=case).number in page
