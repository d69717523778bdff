"""The staff lists' exports (issue 16 §4): what an office gets when it clicks 导出 Excel / 导出 CSV
on a list: the rows the list shows (search, filters, order, every page, its own district),
Chinese headers, masked ID numbers and phones unless it may see them, formulas as text, a
clear message for a query string no list sends."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import CaseStatus
from cases.tests.factories import AgentBuilderFactory, OwnerFactory, UserFactory, jurisdiction, officer, open_case
from cases.validators import mask_identity, mask_mobile, mask_personal_text
from oversight.exports import may_export_full

pytestmark = pytest.mark.django_db


def export_url(app_label: str, model_name: str, fmt: str = "xlsx", query: str = "", full: bool = False) -> str:
    name = "admin:oversight_export_full" if full else "admin:oversight_export"
    url = reverse(name, args=[app_label, model_name, fmt])
    return f"{url}?{query}" if query else url


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    data = response.content
    assert data.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8 Chinese"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def logged_in(client, user):
    client.force_login(user)
    return client


# --- opens in a spreadsheet --------------------------------------------------------------------


def test_owner_list_opens_in_a_spreadsheet_with_chinese_headers_and_masked_numbers(client):
    owner = OwnerFactory(name="许美华", id_number="350503199001011236", phone="13812345678")
    rows = sheet_rows(logged_in(client, officer("FZ", role="planning_reviewer")).get(export_url("cases", "owner")))
    assert rows[0] == ("姓名/名称", "业主类型", "证件号码", "手机号码", "房屋")
    row = next(r for r in rows if r[0] == owner.name)
    assert row[1:4] == ("个人", "350503********1236", "138****5678")


def test_csv_is_utf8_with_bom_and_the_same_rows(client):
    OwnerFactory(name="许美华", id_number="350503199001011236", phone="13812345678")
    rows = csv_rows(logged_in(client, officer("FZ")).get(export_url("cases", "owner", "csv")))
    assert rows[0] == ["姓名/名称", "业主类型", "证件号码", "手机号码", "房屋"]
    assert ["许美华", "个人", "350503********1236", "138****5678", ""] in rows


def test_case_list_exports_the_page_columns_for_every_page(client):
    officer_fz = officer("FZ")
    cases = [open_case(actor=officer_fz) for _ in range(3)]
    rows = sheet_rows(logged_in(client, officer_fz).get(export_url("cases", "case")))
    assert rows[0] == (
        "案件编号",
        "梯号",
        "辖区",
        "当前程序",
        "待谁办理",
        "办理时限",
        "剩余工作日",
        "超期",
        "状态",
        "立案日期",
    )
    assert sorted(r[0] for r in rows[1:]) == sorted(c.number for c in cases)
    first = next(r for r in rows if r[0] == cases[0].number)
    assert first[2] == "丰泽区" and first[3].startswith("1.") and first[8] == "办理中"


# --- the filters applied ---------------------------------------------------------------------


def test_the_list_search_and_filters_choose_the_rows(client):
    kept = OwnerFactory(name="许美华")
    OwnerFactory(name="陈志强")
    company = OwnerFactory(name="泉州市某某物业有限公司", id_number="91350503MA2Y4K7Q3G", kind="organisation")
    client = logged_in(client, officer("FZ"))
    names = [r[0] for r in sheet_rows(client.get(export_url("cases", "owner", query="q=许美华")))[1:]]
    assert names == [kept.name]
    names = [r[0] for r in sheet_rows(client.get(export_url("cases", "owner", query="kind__exact=organisation")))[1:]]
    assert names == [company.name]


def test_the_case_list_filters_of_its_own_apply(client):
    officer_fz = officer("FZ")
    open_cases = [open_case(actor=officer_fz) for _ in range(2)]
    client = logged_in(client, officer_fz)
    numbers = {r[0] for r in sheet_rows(client.get(export_url("cases", "case", query="status__exact=open&p=2")))[1:]}
    assert numbers == {c.number for c in open_cases}  # every page: the page number is not a filter
    assert sheet_rows(client.get(export_url("cases", "case", query="status__exact=completed")))[1:] == []
    waiting = sheet_rows(client.get(export_url("cases", "case", query="waiting=applicant&o=due")))
    assert waiting[1:] == []  # the due order lists running deadlines only, as the page does
    assert CaseStatus.OPEN == "open"


def test_another_districts_rows_never_appear(client):
    own = OwnerFactory(name="丰泽业主")
    other = OwnerFactory(name="鲤城业主", jurisdiction=jurisdiction("LC"))
    other_case = open_case(jurisdiction=jurisdiction("LC"))
    client = logged_in(client, officer("FZ"))
    names = [r[0] for r in sheet_rows(client.get(export_url("cases", "owner")))[1:]]
    assert own.name in names and other.name not in names
    # Asking for the other district by its filter gets nothing of it either.
    lc = jurisdiction("LC").pk
    response = client.get(export_url("cases", "case", query=f"jurisdiction__id__exact={lc}"))
    assert response.status_code == 400 and other_case.number not in response.content.decode()
    numbers = [r[0] for r in sheet_rows(client.get(export_url("cases", "case")))[1:]]
    assert other_case.number not in numbers


def test_the_city_sees_every_district_and_filters_one(client):
    fz, lc = open_case(), open_case(jurisdiction=jurisdiction("LC"))
    client = logged_in(client, UserFactory(with_role="city_supervisor"))
    numbers = {r[0] for r in sheet_rows(client.get(export_url("cases", "case")))[1:]}
    assert {fz.number, lc.number} <= numbers
    only_lc = sheet_rows(
        client.get(export_url("cases", "case", query=f"jurisdiction__id__exact={jurisdiction('LC').pk}"))
    )
    assert {r[0] for r in only_lc[1:]} == {lc.number}


# --- personal data ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, may_full",
    [
        ("district_officer", True),  # the receiving office of the district
        ("planning_reviewer", False),
        ("fund_reviewer", False),
        ("city_supervisor", False),
    ],
)
def test_full_numbers_only_for_the_receiving_office(client, role, may_full):
    owner = OwnerFactory(name="许美华", id_number="350503199001011236", phone="13812345678")
    user = UserFactory(with_role=role)
    assert may_export_full(user) is may_full
    client = logged_in(client, user)
    page = client.get(reverse("admin:cases_owner_changelist")).content.decode()
    assert ("oversight-export-xlsx-full" in page) is may_full
    masked = sheet_rows(client.get(export_url("cases", "owner")))
    assert ("许美华", "个人", "350503********1236", "138****5678") in [r[:4] for r in masked]
    response = client.get(export_url("cases", "owner", full=True))
    if not may_full:
        assert response.status_code == 403
        return
    full = sheet_rows(response)
    assert ("许美华", "个人", owner.id_number, owner.phone) in [r[:4] for r in full]
    event = AuditEvent.objects.filter(event="list_exported").latest("pk")
    assert event.data["full_personal_data"] is True and "含完整证件号码和手机号" in event.message


def test_numbers_typed_into_other_columns_are_masked_too(client):
    AgentBuilderFactory(name="某某公司", contact_name="王立新 350503199001011236", contact_phone="13912341234")
    rows = sheet_rows(
        logged_in(client, officer("FZ", role="planning_reviewer")).get(export_url("cases", "agentbuilder"))
    )
    row = next(r for r in rows if r[0] == "某某公司")
    assert row[3] == "王立新 350503********1236" and row[4] == "139****1234"


def test_masking_helpers_agree_with_the_lists():
    assert mask_identity("350503199001011236") == "350503********1236"
    assert mask_mobile("13812345678") == "138****5678"
    assert (
        mask_personal_text("电话13812345678，证件350503199001011236。") == "电话138****5678，证件350503********1236。"
    )
    assert mask_personal_text("FZ-2026-0001 金额 138123456780") == "FZ-2026-0001 金额 138123456780"


# --- formulas ----------------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://x.example","点我")', "+1+2", "-3+4", "@SUM(A1)", "\t=1+1"])
def test_a_cell_that_starts_like_a_formula_stays_text(client, hostile):
    OwnerFactory(name=hostile, id_number="350503199001011236")
    client = logged_in(client, officer("FZ"))
    response = client.get(export_url("cases", "owner"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    cell = next(c for c in cells if c.value.lstrip("'").lstrip("\t") == hostile.lstrip("\t"))
    assert cell.data_type == "s" and cell.value.startswith("'")
    rows = csv_rows(client.get(export_url("cases", "owner", "csv")))
    assert any(r[0].startswith("'") and r[0][1:].lstrip("\t") == hostile.lstrip("\t") for r in rows[1:])


# --- hostile query strings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, query",
    [
        ("owner", "id_number__startswith=3505"),  # a lookup no filter sends: recovers masked digits
        ("owner", "q=" + "x" * 5000),
        ("case", "jurisdiction__id__exact=abc"),
        ("case", "current_step__exact=99999999999999999999999"),
        ("case", "due=someday"),
        ("case", "unit__building__address__startswith=丰"),
        ("flat", "floor__gte=%00"),
    ],
)
def test_a_query_string_no_list_sends_gets_a_clear_message(client, model, query):
    OwnerFactory()
    response = logged_in(client, officer("FZ")).get(export_url("cases", model, query=query))
    assert response.status_code == 400
    text = response.content.decode()
    assert "无法导出" in text or "重新" in text  # why, and how to go on, in Chinese


@pytest.mark.parametrize(
    "query", ["kind__exact=nonsense", "o=99", "o=abc", "p=-1", "q=%E8%AE%B8", "q=%FF%FE", "q=%C0%AF"]
)
def test_a_value_the_list_itself_shows_nothing_for_exports_as_the_list_does(client, query):
    OwnerFactory(name="陈志强")
    client = logged_in(client, officer("FZ"))
    page = client.get(reverse("admin:cases_owner_changelist") + "?" + query)
    rows = sheet_rows(client.get(export_url("cases", "owner", query=query)))
    assert rows[0][0] == "姓名/名称"
    assert ("陈志强" in page.content.decode()) is any(r[0] == "陈志强" for r in rows[1:])


def test_unknown_list_or_format_is_not_found(client):
    client = logged_in(client, officer("FZ"))
    assert client.get(reverse("admin:oversight_export", args=["cases", "nosuch", "xlsx"])).status_code == 404
    assert client.get(reverse("admin:oversight_export", args=["cases", "owner", "pdf"])).status_code == 404


# --- queries flat in rows ------------------------------------------------------------------------


@pytest.mark.parametrize("model, make", [("owner", lambda: OwnerFactory()), ("case", lambda: open_case())])
def test_query_count_does_not_grow_with_rows(client, model, make):
    client = logged_in(client, officer("FZ"))
    make()
    client.get(export_url("cases", model))  # warm: sessions, content types
    with CaptureQueriesContext(connection) as few:
        sheet_rows(client.get(export_url("cases", model)))
    for _ in range(12):
        make()
    with CaptureQueriesContext(connection) as many:
        rows = sheet_rows(client.get(export_url("cases", model)))
    assert len(rows) >= 14
    assert len(many.captured_queries) <= len(few.captured_queries)


@pytest.mark.parametrize("model, make", [("owner", lambda: OwnerFactory()), ("case", lambda: open_case())])
def test_rows_are_read_in_chunks_a_constant_number_of_queries_each(client, monkeypatch, model, make):
    """A long list is read 500 rows at a time (here 2): each chunk costs the same few queries
    (the rows, what they prefetch), never one per row."""
    monkeypatch.setattr("oversight.exports.CHUNK_ROWS", 2)
    monkeypatch.setattr("oversight.exports_cases.CHUNK_ROWS", 2)
    client = logged_in(client, officer("FZ"))
    for _ in range(4):
        make()
    client.get(export_url("cases", model))
    with CaptureQueriesContext(connection) as four:
        assert len(sheet_rows(client.get(export_url("cases", model)))) == 5
    for _ in range(4):
        make()
    with CaptureQueriesContext(connection) as eight:
        assert len(sheet_rows(client.get(export_url("cases", model)))) == 9
    extra = len(eight.captured_queries) - len(four.captured_queries)
    assert extra <= 2 * 2  # two more chunks, at most two queries each
