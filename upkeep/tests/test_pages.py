"""The register's pages: who reads and who records (role × district), hostile form input,
query counts flat in rows, the case page's line, the exports, the scan download, the
owners' page."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import AuditEvent
from cases.models import Case
from cases.tests.factories import PDF_BYTES, AgentBuilderFactory, UserFactory, officer
from demo.tests.factories import CaseFactory
from funding.models import Agreement
from owners.tests.factories import activated
from upkeep import services
from upkeep.models import Inspection, MaintenanceContract, Register, RunningCost
from upkeep.staff import panel_context

from .helpers import completed_case, with_register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _url(name, case):
    return reverse(f"admin:upkeep_{name}", args=[case.pk])


def _applicant(case):
    # A completed case's details no longer change through the service: the applicant of
    # record is set as it would have been when the case was open.
    agent = AgentBuilderFactory(jurisdiction=case.jurisdiction)
    Case.objects.filter(pk=case.pk).update(agent_builder=agent)
    return UserFactory(with_role="agent_builder", agent_builder=agent)


def _contract_post(client, case, **kw):
    data = {
        "company": "泉州通达电梯维保有限公司",
        "licence_number": "TS3435001-2026",
        "starts_on": TODAY().isoformat(),
        "ends_on": (TODAY() + datetime.timedelta(days=364)).isoformat(),
        "price": "4800.00",
        "interval_days": "15",
        **kw,
    }
    return client.post(_url("contract_add", case), data)


@pytest.mark.parametrize(
    ("who", "reads", "records"),
    [
        ("office", 200, True),
        ("other_district", 404, False),
        ("reviewer", 200, False),
        ("market_reviewer", 200, False),
        ("city", 200, False),
        ("applicant", 200, False),
        ("superuser", 200, True),
    ],
)
def test_who_reads_and_who_records(client, who, reads, records):
    case = with_register()
    user = {
        "office": lambda: officer(case.jurisdiction.code),
        "other_district": lambda: officer("LC"),
        "reviewer": lambda: officer(case.jurisdiction.code, role="planning_reviewer"),
        "market_reviewer": lambda: officer(case.jurisdiction.code, role="market_reviewer"),
        "city": lambda: UserFactory(with_role="city_supervisor"),
        "applicant": lambda: _applicant(case),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[who]()
    client.force_login(user)
    page = client.get(_url("register_page", case))
    assert page.status_code == reads
    if reads == 200:
        html = page.content.decode()
        assert "泉州市安居物业服务有限公司" in html and "35052" in html
        assert ('id="upkeep-contract-submit"' in html) is records
    response = _contract_post(client, case)
    assert response.status_code == (302 if records else 404 if reads == 404 else 403)
    assert MaintenanceContract.objects.filter(register__case=case).exists() is records
    for name in ("shares_xlsx", "shares_pdf"):
        assert client.get(_url(name, case)).status_code == (200 if reads == 200 else 404)


def test_anonymous_and_owner_accounts_are_sent_to_the_staff_login(client):
    case = with_register()
    for url in (_url("register_page", case), _url("contract_add", case), _url("shares_xlsx", case)):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    account, _owner, _case = activated(case)
    client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
    response = client.get(_url("register_page", case))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_case_not_completed_has_no_register_page(client):
    case = CaseFactory(at_step=4)
    client.force_login(officer(case.jurisdiction.code))
    assert client.get(_url("register_page", case)).status_code == 404
    assert _contract_post(client, case).status_code == 404


def test_a_new_register_is_made_from_the_page(client):
    case = completed_case()
    client.force_login(officer(case.jurisdiction.code))
    html = client.get(_url("register_page", case)).content.decode()
    assert "尚未建立档案" in html
    response = client.post(
        _url("register_save", case),
        {"using_unit_kind": "property", "using_unit_name": "某物业公司", "rescue_code": "35052"},
    )
    assert response.status_code == 302
    assert Register.objects.get(case=case).using_unit_name == "某物业公司"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"inspected_on": "2026-02-30"}, "有效的日期"),
        ({"inspected_on": "0001-01-01"}, "超出合理范围"),
        ({"valid_until": "9999-12-31"}, "超出合理范围"),
        ({"certificate_number": "=cmd|' /C calc'!A0"}, "格式不正确"),
        ({"certificate_number": "检" * 500}, "40"),
        ({"result": "bribed"}, "选择一个有效的选项"),
        ({"inspected_on": ["2026-01-01", "x"]}, ""),
    ],
)
def test_hostile_inspection_input_is_refused_on_the_page(client, data, says):
    case = with_register()
    client.force_login(officer(case.jurisdiction.code))
    good = {
        "inspected_on": (TODAY() - datetime.timedelta(days=2)).isoformat(),
        "result": "passed",
        "certificate_number": "闽特检(2026)DT0512",
        "valid_until": (TODAY() + datetime.timedelta(days=300)).isoformat(),
    }
    response = client.post(_url("inspection_add", case), {**good, **data})
    assert response.status_code in (200, 302)
    if data.get("inspected_on") != ["2026-01-01", "x"]:
        assert response.status_code == 200
        assert says in response.content.decode()
        assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"amount": "-5"}, "应大于0"),
        ({"amount": "1e400"}, "不超过"),
        ({"amount": "一千元"}, "应为金额"),
        ({"amount": "12.345"}, "精确到分"),
        ({"year": "abcd"}, "输入整数"),
        ({"year": "1999"}, "2000"),
        ({"note": "注" * 5000}, "200"),
    ],
)
def test_hostile_cost_input_is_refused_on_the_page(client, data, says):
    case = with_register()
    client.force_login(officer(case.jurisdiction.code))
    good = {"year": str(TODAY().year), "kind": "electricity", "amount": "1260.00", "note": ""}
    response = client.post(_url("cost_add", case), {**good, **data})
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not RunningCost.objects.exists()


def _busy(case, visits: int, costs: int):
    actor = officer(case.jurisdiction.code)
    for i in range(visits):
        services.visit_record(
            case=case, actor=actor, visited_on=TODAY() - datetime.timedelta(days=i * 10), done_by="林", work="保养"
        )
    for i in range(costs):
        services.cost_record(case=case, actor=actor, year=TODAY().year - (i % 3), kind="repair", amount="100.01")
    for i in range(2):
        services.contract_record(
            case=case,
            actor=actor,
            company=f"维保{i}",
            licence_number="TS3435001-2026",
            starts_on=TODAY() - datetime.timedelta(days=30 - i),
            ends_on=TODAY() + datetime.timedelta(days=300),
            price="1.00",
        )
        services.inspection_record(
            case=case,
            actor=actor,
            inspected_on=TODAY() - datetime.timedelta(days=20 - i),
            result="passed",
            certificate_number=f"闽特检(2026)DT00{i}",
            valid_until=TODAY() + datetime.timedelta(days=300),
        )


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_register_page_reads_as_many_queries_for_few_rows_as_for_many(client):
    small, big = with_register(), with_register()
    _busy(small, visits=1, costs=1)
    _busy(big, visits=12, costs=9)
    client.force_login(officer(small.jurisdiction.code))
    assert _queries(client, _url("register_page", small)) == _queries(client, _url("register_page", big))


def test_the_case_pages_line_reads_nothing_for_an_open_case_and_at_most_two_queries_for_a_completed_one(rf):
    request = rf.get("/")
    open_case = CaseFactory(at_step=6)
    request.user = officer(open_case.jurisdiction.code)
    with CaptureQueriesContext(connection) as ctx:
        assert panel_context(request=request, case=open_case) is None
    assert len(ctx.captured_queries) == 0
    # The register (none yet: one query), then with its dues the holiday calendar (two).
    for case, queries in ((completed_case(), 1), (with_register(), 2)):
        with CaptureQueriesContext(connection) as ctx:
            context = panel_context(request=request, case=case)
        assert context is not None and len(ctx.captured_queries) == queries
    _busy(case, visits=5, costs=5)
    with CaptureQueriesContext(connection) as ctx:
        panel_context(request=request, case=case)
    assert len(ctx.captured_queries) == 2


def test_the_case_page_leads_to_the_register_with_its_warnings(client):
    case = with_register(first_used_on=TODAY() - datetime.timedelta(days=40))
    client.force_login(officer(case.jurisdiction.code))
    html = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert 'id="case-upkeep-link"' in html and "使用登记已逾期" in html
    open_one = CaseFactory(at_step=3)
    assert 'id="case-upkeep"' not in client.get(reverse("admin:cases_case_change", args=[open_one.pk])).content.decode()


def _costs(case):
    actor = officer(case.jurisdiction.code)
    year = TODAY().year
    for kind, amount in (("electricity", "1000.00"), ("maintenance", "333.33")):
        services.cost_record(case=case, actor=actor, year=year, kind=kind, amount=amount)
    return year


def test_the_share_table_exports_to_xlsx_with_each_flats_amount_to_the_fen(client):
    case = with_register()
    year = _costs(case)
    # An owner whose name would be a formula in a spreadsheet.
    owner = case.unit.flats.order_by("-floor").first().owners.first()
    owner.name = "=HYPERLINK(1)"
    owner.save(update_fields=["name"])
    client.force_login(officer(case.jurisdiction.code))
    response = client.get(_url("shares_xlsx", case) + f"?year={year}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "按份共有" in rows[1][0]
    head = rows[2]
    assert head[:6] == ("室号", "楼层", "建筑面积（㎡）", "业主", "分摊系数", "产权份额")
    body = [r for r in rows[3:] if r[0] != "合计"]
    assert len(body) == case.unit.flats.count()
    electricity = head.index(f"{year}年电费（元）")
    assert sum(r[electricity] for r in body) == 1000  # to the fen, exactly
    assert sum(r[electricity + 1] for r in body) == pytest.approx(333.33)
    assert all(not str(c).startswith("=") for r in rows for c in r if c is not None)
    assert any(str(c) == "'=HYPERLINK(1)" for r in body for c in r)
    assert AuditEvent.objects.filter(case=case, event="upkeep_shares_exported").count() == 1
    assert client.get(_url("shares_xlsx", case) + "?year=20x6").status_code == 404


def test_the_share_table_exports_to_pdf(client):
    case = with_register()
    year = _costs(case)
    client.force_login(officer(case.jurisdiction.code))
    response = client.get(_url("shares_pdf", case) + f"?year={year}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "加装电梯产权份额表" in text and case.number in text and "按份共有" in text
    assert "1000.00" in text and "333.33" in text


def test_a_visit_scan_is_downloaded_by_whoever_sees_the_case_and_logged(client):
    case = with_register()
    client.force_login(officer(case.jurisdiction.code))
    response = client.post(
        _url("visit_add", case),
        {
            "visited_on": TODAY().isoformat(),
            "done_by": "林志强",
            "work": "半月保养",
            "scan": SimpleUploadedFile("记录.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    visit = case.upkeep.visits.get()
    url = reverse("admin:upkeep_visit_scan", args=[visit.pk])
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(case=case, event="upkeep_visit_scan_downloaded").count() == 1
    client.force_login(officer("LC"))
    assert client.get(url).status_code == 404


def test_owners_read_the_warnings_the_rescue_code_and_their_published_costs(client):
    case = with_register(first_used_on=TODAY() - datetime.timedelta(days=40))
    year = _costs(case)
    account, owner, _case = activated(case)
    client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
    url = reverse("owners:upkeep", args=[case.pk])
    # The completed case's page leads there.
    assert url in client.get(reverse("owners:case", args=[case.pk])).content.decode()
    html = client.get(url).content.decode()
    assert "使用登记已逾期" in html and "96196" in html and "35052" in html
    assert "尚未公布运行费用" in html
    services.costs_publish(case=case, actor=None, year=year)
    html = client.get(url).content.decode()
    assert 'id="owner-cost-table"' in html and "（您的房屋）" in html and "333.33" in html
    # Another unit's owner, and a case not completed: 404.
    other = CaseFactory(completed=True)
    assert client.get(reverse("owners:upkeep", args=[other.pk])).status_code == 404
    stranger, _o, _c = activated(CaseFactory(at_step=2), mobile="13900000002")
    client.force_login(stranger.user, backend="owners.backends.OwnerMobileBackend")
    assert client.get(url).status_code == 404
    assert client.get(reverse("owners:upkeep", args=[_c.pk])).status_code == 404


def test_the_owners_page_reads_as_many_queries_for_few_costs_as_for_many(client):
    small, big = with_register(), with_register()
    _busy(small, visits=1, costs=1)
    _busy(big, visits=10, costs=9)
    for case in (small, big):
        services.costs_publish(case=case, actor=None, year=TODAY().year)
    counts = []
    for case, mobile in ((small, "13900000011"), (big, "13900000012")):
        account, _o, _c = activated(case, mobile=mobile)
        client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
        counts.append(_queries(client, reverse("owners:upkeep", args=[case.pk])))
    assert counts[0] == counts[1]


def test_held_jointly_the_table_has_no_shares_but_the_costs_are_still_shared(client):
    case = with_register()
    year = _costs(case)
    Agreement.objects.filter(case=case).update(ownership_mode="joint")
    client.force_login(officer(case.jurisdiction.code))
    sheet = load_workbook(io.BytesIO(client.get(_url("shares_xlsx", case) + f"?year={year}").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "共同共有" in rows[1][0]
    assert "产权份额" not in rows[2] and f"{year}年电费（元）" in rows[2]
    pdf = client.get(_url("shares_pdf", case)).content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "共同共有" in text and "不分份额" in text


def test_a_new_register_starts_from_the_agreements_using_unit():
    case = completed_case()
    Agreement.objects.filter(case=case).update(using_unit="协议约定物业公司")
    services.register_save(case=case, actor=officer(case.jurisdiction.code), rescue_code="35052")
    assert Register.objects.get(case=case).using_unit_name == "协议约定物业公司"
