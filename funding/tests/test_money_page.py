"""The case's money: its panel on the case page, read by whoever sees the case, and its own
page, where whoever may change it saves the funding plan, every floor's coefficient and the
agreement's terms together, through the services, or nothing at all."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Case, CaseStatus
from cases.tests.factories import FlatFactory, UserFactory, officer, open_case, unit_with_flats
from funding import services
from funding.models import Agreement, FloorCoefficient, FundingSource, FundingSourceKind

pytestmark = pytest.mark.django_db


def _page(case) -> str:
    return reverse("admin:cases_case_change", args=[case.pk])


def _money(case) -> str:
    return reverse("admin:funding_case_money", args=[case.pk])


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def _snapshot(case) -> tuple:
    """Everything the money page may change."""
    return (
        list(FundingSource.objects.filter(case=case).values_list("kind", "amount", "note")),
        list(FloorCoefficient.objects.filter(case=case).values_list("floor", "coefficient")),
        Agreement.objects.filter(case=case).values().get(),
    )


def _form_data(client, user, case) -> dict:
    """The money form as the browser posts it back unchanged."""
    form = _get(client, user, _money(case)).context["form"]
    return {name: "" if form[name].value() is None else form[name].value() for name in form.fields}


# --- a new case ------------------------------------------------------------------------------


def test_a_new_case_starts_with_the_agreements_wording_and_every_floors_default_coefficient():
    case = open_case()  # floors 1 to 3, through cases.extensions.case_opened
    assert list(case.floor_coefficients.values_list("floor", "coefficient")) == [
        (1, Decimal("0.00")),
        (2, Decimal("0.60")),
        (3, Decimal("0.80")),
    ]
    assert case.agreement.payment_schedule.startswith("协议签订后15日内")


# --- the panel -------------------------------------------------------------------------------


def _funded_case(actor=None):
    case = open_case(actor=actor)
    services.case_set_funding(
        case=case,
        actor=actor,
        amounts={FundingSourceKind.OWNERS: Decimal("300000.00"), FundingSourceKind.PROVIDENT_FUND: Decimal("5000.00")},
        notes={FundingSourceKind.PROVIDENT_FUND: "三户提取"},
    )
    return case


@pytest.mark.parametrize("role", ["district_officer", "planning_reviewer", "fund_reviewer", "city_supervisor"])
def test_whoever_sees_the_case_reads_its_money_as_text(client, role):
    case = _funded_case()
    page = _get(client, officer(role=role), _page(case)).content.decode()
    panel = page.split('id="case-money"')[1]
    for shown in (
        "资金筹集方案",
        "业主共同出资",
        "300,000.00",
        "三户提取",
        "305,000.00",  # the plan's total
        "业主分摊总额：305,000.00 元",  # what the flats share
        "资金筹集方案合计 305,000.00 元，与工程预算 420,000.00 元不一致，请核对。",
        "缴款安排",
        "协议签订后15日内",
    ):
        assert shown in panel, shown
    for flat in case.unit.flats.all():
        assert f"<td>{flat.room}</td>" in panel
    assert "<td>0.00%</td>" not in panel and "100.00%" not in panel  # each flat its own share
    assert panel.count('class="portal-num">0.00</td>') == 2  # the two ground-floor flats pay nothing
    assert "<input" not in panel and "<textarea" not in panel


def test_the_edit_button_shows_only_to_whoever_may_change_the_money(client):
    case = _funded_case()
    button = f'href="{_money(case)}"'
    assert button in _get(client, officer(), _page(case)).content.decode()
    assert button in _get(client, UserFactory(is_superuser=True), _page(case)).content.decode()
    assert button in _get(client, officer(), _page(case), edit=1).content.decode()  # on the form too
    for role in ("planning_reviewer", "city_supervisor"):
        page = _get(client, officer(role=role), _page(case)).content.decode()
        assert 'id="case-money"' in page and button not in page and "修改资金与分摊" not in page, role
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.WITHDRAWN)
    assert button not in _get(client, officer(), _page(case)).content.decode()  # a finished case is a record


def test_a_floor_without_a_coefficient_is_pointed_out_not_silently_free(client):
    case = open_case()
    FlatFactory(unit=case.unit, floor=4, room="401")  # a flat registered after the table was set
    panel = _get(client, officer(), _page(case)).content.decode().split('id="case-money"')[1]
    assert "以下楼层尚未登记分摊系数：4。" in panel


def test_the_case_page_reads_as_many_queries_with_6_flats_as_with_20(client):
    user = officer()
    small, large = open_case(), open_case(unit=unit_with_flats(flats=20))
    for case in (small, large):
        services.case_set_funding(case=case, actor=None, amounts={FundingSourceKind.OWNERS: Decimal("1000.00")})
    client.force_login(user)
    counts = []
    for case in (small, large):
        client.get(_page(case))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_page(case)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- the money page ---------------------------------------------------------------------------


def test_the_officer_saves_funding_coefficients_and_terms_in_one_form(client):
    user = officer()
    case = open_case(actor=user)
    data = _form_data(client, user, case)
    data.update(
        {
            "funding_owners": "360000.00",
            "note_owners": "按户分摊",
            "funding_maintenance_fund": "20000",
            "floor_2": "0.50",
            "floor_3": "1.20",
            "using_unit": "泉州市安居物业服务有限公司",
        }
    )
    response = client.post(_money(case), data)
    assert response.status_code == 302 and response["Location"] == _page(case)
    assert list(case.funding_sources.values_list("kind", "amount", "note")) == [
        ("owners", Decimal("360000.00"), "按户分摊"),
        ("maintenance_fund", Decimal("20000.00"), ""),
    ]
    assert dict(case.floor_coefficients.values_list("floor", "coefficient")) == {
        1: Decimal("0.00"),
        2: Decimal("0.50"),
        3: Decimal("1.20"),
    }
    assert Agreement.objects.get(case=case).using_unit == "泉州市安居物业服务有限公司"
    events = set(AuditEvent.objects.filter(actor=user).values_list("event", flat=True))
    assert {"funding_plan_set", "floor_coefficients_set", "record_changed"} <= events
    page = client.get(_page(case)).content.decode()
    assert "已保存资金筹集方案、楼层分摊系数和协议条款。" in page and "360,000.00" in page


def test_an_unchanged_form_saves_nothing_and_logs_nothing(client):
    user = officer()
    case = _funded_case()
    data = _form_data(client, user, case)  # signs in first: a sign-in is an event of its own
    before, events = _snapshot(case), AuditEvent.objects.count()
    assert client.post(_money(case), data).status_code == 302
    assert _snapshot(case) == before and AuditEvent.objects.count() == events


@pytest.mark.parametrize("how", ["blank", "deleted"])
def test_a_floor_left_blank_or_deleted_is_a_form_error_not_a_free_floor(client, how):
    user = officer()
    case = _funded_case()
    before = _snapshot(case)
    data = _form_data(client, user, case)
    data["funding_owners"] = "1.00"  # changed too: nothing of it may be saved
    if how == "blank":
        data["floor_2"] = ""
    else:
        del data["floor_2"]
    response = client.post(_money(case), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "请填写2层的分摊系数（不分摊的楼层填 0）。" in page and 'id="money-errors"' in page
    assert _snapshot(case) == before


def test_wrong_numbers_are_form_errors_in_chinese(client):
    user = officer()
    case = open_case()
    before = _snapshot(case)
    data = _form_data(client, user, case)
    data.update({"floor_3": "-1", "funding_owners": "abc", "funding_other": "-5"})
    page = client.post(_money(case), data).content.decode()
    assert "分摊系数不能为负数。" in page and "金额不能为负数。" in page and "输入一个数字。" in page
    assert _snapshot(case) == before


def test_a_save_refused_half_way_leaves_nothing_changed(client, monkeypatch):
    """The funding and the coefficients are written, then the agreement's part is refused:
    the one transaction takes all of it back, and the form says why."""
    user = officer()
    case = _funded_case()

    def refuse(**kwargs):
        raise ValidationError("协议条款保存失败（测试）。")

    monkeypatch.setattr(services, "agreement_update", refuse)
    data = _form_data(client, user, case)  # signs in first: a sign-in is an event of its own
    before, events = _snapshot(case), AuditEvent.objects.count()
    data.update({"funding_owners": "1.00", "floor_3": "2.00", "using_unit": "某物业"})
    response = client.post(_money(case), data)
    assert response.status_code == 200 and "协议条款保存失败（测试）。" in response.content.decode()
    assert _snapshot(case) == before
    assert AuditEvent.objects.count() == events  # the funding's and coefficients' events went with them


def test_another_offices_officer_gets_404_and_changes_nothing(client):
    case = _funded_case()
    before = _snapshot(case)
    stranger = officer("LC")
    assert _get(client, stranger, _money(case)).status_code == 404
    assert client.post(_money(case), {"funding_owners": "1.00"}).status_code == 404
    assert _snapshot(case) == before


@pytest.mark.parametrize("role", ["city_supervisor", "planning_reviewer", "agent_builder"])
def test_who_may_only_read_the_case_is_refused_the_money_page(client, role):
    case = _funded_case()
    before = _snapshot(case)
    user = officer(role=role)
    status = _get(client, user, _money(case)).status_code
    assert status in (403, 404) and (role == "agent_builder" or status == 403)  # the supervisor sees, not changes
    assert client.post(_money(case), {"funding_owners": "1.00"}).status_code == status
    assert _snapshot(case) == before


def test_a_finished_case_is_refused_the_money_page(client):
    case = _funded_case()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.COMPLETED)
    assert _get(client, officer(), _money(case)).status_code == 403
    with pytest.raises(ValidationError, match="资金与分摊不能再修改"):
        services.case_money_update(case=case, actor=None, amounts={FundingSourceKind.OWNERS: Decimal("1.00")})


def test_the_admins_own_pages_of_the_funding_rows_write_nothing(client):
    """No add, change or delete page of the funding rows (they would write past the
    services): the list is read-only and scoped, a row's page is its case's."""
    case = _funded_case()
    other = _funded_case()
    Case.objects.filter(pk=other.pk).update(jurisdiction=officer("LC").jurisdiction)
    source = case.funding_sources.first()
    client.force_login(officer())
    listing = client.get(reverse("admin:funding_fundingsource_changelist"))
    assert listing.status_code == 200
    assert case.number in listing.content.decode() and other.number not in listing.content.decode()
    assert reverse("admin:funding_fundingsource_add") not in listing.content.decode()
    assert client.get(reverse("admin:funding_fundingsource_add")).status_code == 403
    assert client.get(reverse("admin:funding_fundingsource_delete", args=[source.pk])).status_code == 403
    response = client.get(reverse("admin:funding_fundingsource_change", args=[source.pk]))
    assert response.status_code == 302 and response["Location"] == _page(case)
    before = _snapshot(case)
    client.post(reverse("admin:funding_fundingsource_change", args=[source.pk]), {"amount": "1"})
    client.post(reverse("admin:funding_fundingsource_delete", args=[source.pk]), {"post": "yes"})
    assert _snapshot(case) == before
    assert "funding/fundingsource" not in client.get(reverse("admin:index")).content.decode()


def test_the_page_fits_a_phone_and_speaks_chinese(client):
    user = officer()
    case = open_case()
    page = _get(client, user, _money(case)).content.decode()
    assert 'name="viewport"' in page and "funding/money.css" in page
    for label in ("业主共同出资", "1层", "2层", "3层", "缴款安排", "保存"):
        assert label in page, label


# --- the services ------------------------------------------------------------------------------


def test_the_services_refuse_another_office_and_the_city_supervisor():
    case = _funded_case()
    before = _snapshot(case)
    for actor in (officer("LC"), officer(role="city_supervisor")):
        with pytest.raises(PermissionDenied):
            services.case_money_update(case=case, actor=actor, amounts={FundingSourceKind.OWNERS: Decimal("1.00")})
        with pytest.raises(PermissionDenied):
            services.case_set_floor_coefficients(
                case=case, actor=actor, coefficients={1: Decimal("0"), 2: Decimal("0"), 3: Decimal("0")}
            )
        with pytest.raises(PermissionDenied):
            services.agreement_update(case=case, actor=actor, using_unit="某物业")
    assert _snapshot(case) == before
