"""A new case in the browser's one path: building and unit, the roster file, the eligibility
gate and the case, all or nothing (issue 10, section 3)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Building, Case, ElevatorUnit, Flat, Owner
from cases.tests.factories import BuildingFactory, UserFactory, jurisdiction

from .factories import SAMPLE_ROSTER, roster_csv, sample_roster_rows

pytestmark = pytest.mark.django_db

URL = "/admin/voting/vote/new-case/"
ADDRESS = "丰泽区东湖街道刺桐花园9幢"


def snapshot() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Building, ElevatorUnit, Flat, Owner, Case, AuditEvent)}


def roster(data: bytes | None = None, name: str = "名册.csv"):
    return SimpleUploadedFile(name, data if data is not None else SAMPLE_ROSTER.read_bytes())


def fields(**overrides):
    data = {"address": ADDRESS, "unit_name": "1单元", "land_inside_plot": "on", "floors": "7"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def officer(client):
    user = UserFactory(with_role="district_officer", jurisdiction=jurisdiction("FZ"))
    client.force_login(user)
    return user


def test_add_case_on_the_list_leads_to_the_new_case_page_with_the_office_fixed(client, officer):
    assert reverse("admin:voting_new_case") == URL
    response = client.get(reverse("admin:cases_case_add"))
    assert response.status_code == 302 and response["Location"] == URL
    page = client.get(URL).content.decode()
    assert '<dd id="new-case-office">丰泽区</dd>' in page
    assert 'name="jurisdiction"' not in page  # the officer's own office, not a choice
    assert 'name="file"' in page and 'name="in_demolition_plan"' in page


def test_a_building_in_the_demolition_plan_is_refused_in_chinese_and_nothing_is_saved(client, officer):
    before = snapshot()
    response = client.post(URL, {**fields(in_demolition_plan="on"), "file": roster()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "资格审查未通过，不予立案；楼栋、名册和案件均未保存" in page
    assert "该住宅已列入城市规划五年内拆迁改造范围，不列入增设电梯范围。" in page
    assert snapshot() == before


def test_roster_problems_are_named_by_row_and_column_and_nothing_is_saved(client, officer):
    rows = sample_roster_rows()
    rows[0]["专有部分面积"] = "零"
    rows[1]["证件号码"] = "350503194202270056"
    before = snapshot()
    response = client.post(URL, {**fields(), "file": roster(roster_csv(rows))})
    page = response.content.decode()
    assert response.status_code == 200 and "名册文件“名册.csv”有以下问题，未做任何修改" in page
    assert "第2行“专有部分面积”列" in page and "第3行“证件号码”列" in page
    assert snapshot() == before


def test_missing_fields_are_named(client, officer):
    response = client.post(URL, fields(address="", unit_name=""))
    page = response.content.decode()
    assert response.status_code == 200 and "请更正以下问题" in page
    assert "楼栋地址" in page and "梯号/单元" in page and "请选择文件" in page


def test_the_officer_starts_a_case_with_building_roster_gate_and_motion_in_one_go(client, officer):
    response = client.post(
        URL,
        {
            **fields(has_reserved_shaft="on", compound_name="刺桐花园", year_built="1998"),
            "scheme_summary": "在北侧增设一部无机房电梯",
            "budget": "420000",
            "file": roster(),
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("admin:cases_case_change", args=[case.pk])
    assert case.number.startswith("FZ-") and case.jurisdiction.code == "FZ" and case.opened_by == officer
    assert (case.scheme_summary, case.budget) == ("在北侧增设一部无机房电梯", Decimal("420000"))
    building = case.unit.building
    assert (building.address, building.compound_name, building.floors, building.year_built) == (
        ADDRESS,
        "刺桐花园",
        7,
        1998,
    )
    assert building.has_reserved_shaft and not building.in_demolition_plan and building.land_inside_plot
    assert case.unit.flats.count() == 14
    page = client.get(response["Location"]).content.decode()
    assert f"已立案：{case.number}" in page


def test_without_the_motion_the_case_opens_and_the_page_says_what_the_vote_needs(client, officer):
    response = client.post(URL, {**fields(), "file": roster()}, follow=True)
    page = response.content.decode()
    assert "开始表决前，请在本页填写增设方案概要和工程预算" in page
    assert Case.objects.get().scheme_summary == ""


def test_an_existing_building_is_found_by_address_and_its_facts_corrected(client, officer):
    building = BuildingFactory(jurisdiction=jurisdiction("FZ"), address=ADDRESS, in_demolition_plan=True)
    response = client.post(URL, {**fields(), "file": roster()})
    assert response.status_code == 302
    building.refresh_from_db()
    assert not building.in_demolition_plan and Building.objects.count() == 1
    assert Case.objects.get().unit.building == building


def test_only_housing_officers_and_superusers_start_cases(client):
    client.force_login(UserFactory(with_role="planning_reviewer", jurisdiction=jurisdiction("FZ")))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {**fields(), "file": roster()}).status_code == 403
    assert not Case.objects.exists()


def test_a_superuser_chooses_the_office(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    refused = client.post(URL, {**fields(), "file": roster()})
    assert refused.status_code == 200 and "辖区" in refused.content.decode() and not Case.objects.exists()
    done = client.post(URL, {**fields(), "jurisdiction": jurisdiction("LC").pk, "file": roster()})
    assert done.status_code == 302 and Case.objects.get().number.startswith("LC-")


def test_an_unusual_area_is_confirmed_for_that_file_on_the_new_case_page(client, officer):
    import hashlib

    rows = sample_roster_rows()
    rows[0]["专有部分面积"] = "7960"
    data = roster_csv(rows)
    before = snapshot()
    asked = client.post(URL, {**fields(), "file": roster(data)})
    page = asked.content.decode()
    assert asked.status_code == 200 and "面积 7960.00 ㎡ 大于一套房屋的常见上限" in page
    assert '<input type="checkbox" name="confirm_areas"' in page
    assert snapshot() == before
    digest = hashlib.sha256(data).hexdigest()
    done = client.post(URL, {**fields(), "file": roster(data), "confirm_areas": "on", "areas_file": digest})
    assert done.status_code == 302
    assert Case.objects.get().unit.flats.get(room=rows[0]["房号"]).area == Decimal("7960.00")
