"""What one office records about an owner or a company stays that office's (issue 9 §1),
personal data cannot be fished out through list filters (§3), and the case page saves
after the vote opened (§5)."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from cases import services
from cases.models import AgentBuilder, Owner, Ownership
from voting.tests.factories import ROSTER_HEADER, VoteFactory, table_csv

from .admin_forms import form_data
from .factories import (
    AgentBuilderFactory,
    FlatFactory,
    OwnerFactory,
    UnitFactory,
    UserFactory,
    jurisdiction,
    open_case,
    unit_with_flats,
    valid_id_number,
)

pytestmark = pytest.mark.django_db


def officer(code):
    return UserFactory(with_role="district_officer", jurisdiction=jurisdiction(code))


def lc_registers_owner(client, id_number):
    """The 鲤城区 officer registers an owner with a phone on one of 鲤城区's flats, in the admin."""
    lc_unit = unit_with_flats(flats=2, jurisdiction=jurisdiction("LC"))
    flat = lc_unit.flats.first()
    client.force_login(officer("LC"))
    url = reverse("admin:cases_owner_add")
    prefix = client.get(url).context["inline_admin_formsets"][0].formset.prefix
    response = client.post(
        url,
        {
            "name": "陈鲤城",
            "id_number": id_number,
            "phone": "13800000001",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-flat": str(flat.pk),
        },
    )
    assert response.status_code == 302
    return Owner.objects.get(jurisdiction__code="LC", id_number=id_number), flat


def fz_imports_roster_naming(tmp_path, id_number, name="陈丰泽"):
    rows = [
        ["101", 1, "80.00", "登记", name, id_number, "否", "闽(2020)泉州市不动产权第0000101号"],
        ["102", 1, "82.00", "登记", "李四", valid_id_number(), "否", "闽(2020)泉州市不动产权第0000102号"],
    ]
    path = tmp_path / "roster.csv"
    path.write_bytes(table_csv(ROSTER_HEADER, rows))
    call_command(
        "import_roster", str(path), district="丰泽区", address="丰泽区东湖街道测试花园9幢", unit="1单元", stdout=None
    )


def test_another_offices_import_neither_changes_nor_reveals_an_owner(client, tmp_path):
    x = valid_id_number()
    lc_owner, lc_flat = lc_registers_owner(client, x)

    fz_imports_roster_naming(tmp_path, x)

    lc_owner.refresh_from_db()
    assert (lc_owner.name, lc_owner.phone) == ("陈鲤城", "13800000001")  # not renamed, phone kept
    assert list(Ownership.objects.filter(owner=lc_owner).values_list("flat", flat=True)) == [lc_flat.pk]
    fz_owner = Owner.objects.get(jurisdiction__code="FZ", id_number=x)
    assert fz_owner.pk != lc_owner.pk and fz_owner.name == "陈丰泽" and fz_owner.phone == ""
    assert fz_owner.person_id == lc_owner.person_id  # the same person, two offices' records

    client = Client()  # 丰泽区's officer at their own desk
    client.force_login(officer("FZ"))
    listed = client.get(reverse("admin:cases_owner_changelist")).content.decode()
    assert "陈丰泽" in listed and "陈鲤城" not in listed and str(lc_flat.unit) not in listed
    assert client.get(reverse("admin:cases_owner_change", args=[lc_owner.pk])).status_code in (302, 404)
    found = client.get(reverse("admin:cases_owner_changelist"), {"q": x}).content.decode()
    assert "陈鲤城" not in found and "13800000001" not in found
    # Another office's phone cannot be changed through a POST either.
    client.post(reverse("admin:cases_owner_change", args=[lc_owner.pk]), {"name": "改名", "phone": "13900000000"})
    lc_owner.refresh_from_db()
    assert (lc_owner.name, lc_owner.phone) == ("陈鲤城", "13800000001")


def test_the_owner_form_tells_only_about_the_officers_own_office(client):
    x = valid_id_number()
    lc_registers_owner(client, x)
    fz_flat = unit_with_flats(flats=2).flats.first()
    client = Client()
    client.force_login(officer("FZ"))
    url = reverse("admin:cases_owner_add")
    prefix = client.get(url).context["inline_admin_formsets"][0].formset.prefix
    data = {
        "name": "陈丰泽",
        "id_number": x,
        "phone": "",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-flat": str(fz_flat.pk),
    }
    # Registered at 鲤城区 only: 丰泽区 registers its own record, learning nothing.
    assert client.post(url, data).status_code == 302
    again = client.post(url, {**data, "name": "陈丰泽二"})
    assert again.status_code == 200
    assert "本辖区已登记该证件号码的业主" in again.content.decode()
    assert Owner.objects.filter(id_number=x).count() == 2


def test_a_frozen_roster_elsewhere_neither_blocks_nor_is_named(tmp_path):
    x = valid_id_number()
    lc_unit = unit_with_flats(flats=2, jurisdiction=jurisdiction("LC"))
    shared = OwnerFactory(jurisdiction=jurisdiction("LC"), id_number=x, name="陈鲤城")
    FlatFactory(unit=lc_unit, room="301", floor=3, owners=[shared])
    VoteFactory(case=open_case(unit=lc_unit))  # 鲤城区's roster is frozen

    fz_imports_roster_naming(tmp_path, x)  # no refusal naming 鲤城区's unit

    assert Owner.objects.get(jurisdiction__code="FZ", id_number=x).name == "陈丰泽"
    assert Owner.objects.get(pk=shared.pk).name == "陈鲤城"


def test_an_owner_is_linked_only_to_flats_of_the_office_that_recorded_them():
    lc_owner = OwnerFactory(jurisdiction=jurisdiction("LC"))
    fz_flat = unit_with_flats(flats=2).flats.first()
    with pytest.raises(ValidationError, match="请在房屋所在辖区登记该业主"):
        services.record_save(obj=Ownership(flat=fz_flat, owner=lc_owner), actor=None)
    assert not Ownership.objects.filter(owner=lc_owner).exists()


def test_changes_to_an_offices_owner_appear_in_that_offices_log_only(client):
    lc_owner = OwnerFactory(jurisdiction=jurisdiction("LC"), name="陈鲤城")
    lc_owner.phone = "13900000009"
    services.record_save(obj=lc_owner, actor=UserFactory(is_superuser=True, jurisdiction=None), fields=["phone"])

    client.force_login(UserFactory(with_role="district_officer", jurisdiction=jurisdiction("LC")))
    assert "陈鲤城" in client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    client.force_login(officer("FZ"))
    assert "陈鲤城" not in client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    assert AuditEvent.objects.filter(object_id=str(lc_owner.pk), jurisdiction__code="LC").exists()


def test_an_agent_builder_is_each_offices_own_record(client):
    lc_company = AgentBuilderFactory(jurisdiction=jurisdiction("LC"), name="鲤城代建公司")
    client.force_login(officer("FZ"))
    assert "鲤城代建公司" not in client.get(reverse("admin:cases_agentbuilder_changelist")).content.decode()
    assert client.get(reverse("admin:cases_agentbuilder_change", args=[lc_company.pk])).status_code in (302, 404)
    client.post(reverse("admin:cases_agentbuilder_change", args=[lc_company.pk]), {"name": "被改名"})
    lc_company.refresh_from_db()
    assert lc_company.name == "鲤城代建公司"

    # 丰泽区 registers the same company for itself; a 丰泽区 case cannot name 鲤城区's record.
    response = client.post(
        reverse("admin:cases_agentbuilder_add"),
        {"name": "鲤城代建公司（丰泽登记）", "credit_code": lc_company.credit_code},
    )
    assert response.status_code == 302
    fz_company = AgentBuilder.objects.get(jurisdiction__code="FZ", credit_code=lc_company.credit_code)
    assert fz_company.person_id == lc_company.person_id
    case = open_case()
    with pytest.raises(ValidationError, match="其他辖区登记的记录"):
        services.case_update_details(case=case, actor=None, agent_builder=lc_company)
    services.case_update_details(case=case, actor=None, agent_builder=fz_company)


@pytest.mark.parametrize(
    "query",
    [
        {"id_number__startswith": "35"},
        {"phone__startswith": "138"},
        {"name__contains": "陈"},
        {"ownerships__owner__id_number__startswith": "3"},
    ],
)
def test_personal_data_cannot_be_fished_out_through_list_filters(client, query):
    owner = OwnerFactory()
    FlatFactory(unit=UnitFactory(), owners=[owner])
    for role, lists in (
        ("planning_reviewer", ("cases_owner", "cases_flat", "cases_case")),
        ("district_officer", ("audit_auditevent",)),
    ):
        client.force_login(UserFactory(with_role=role))
        for name in lists:
            response = client.get(reverse(f"admin:{name}_changelist"), query)
            assert response.status_code == 400, (name, query)


def test_every_list_refuses_lookups_its_filters_do_not_offer_and_keeps_its_own(client):
    open_case()
    client.force_login(UserFactory(is_superuser=True, jurisdiction=None))
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url, {"pk__gt": "0"}).status_code == 400, url
        for parameter in model_admin.filter_parameter_names(client.get(url).wsgi_request):
            if parameter.endswith(("__exact", "__isnull")):
                value = "1" if parameter.endswith("__exact") else "False"
                assert client.get(url, {parameter: value}).status_code == 200, (url, parameter)


def test_the_case_page_saves_unchanged_after_the_vote_opened(client):
    case = open_case()
    services.case_update_details(case=case, actor=None, scheme_summary="北侧增设一部电梯")
    VoteFactory(case=case)
    client.force_login(UserFactory(with_role="district_officer", jurisdiction=case.jurisdiction))
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = form_data(client.get(url, {"edit": 1}))
    data["installer"] = "福建快捷电梯工程有限公司"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and (
        response.context["adminform"].form.errors,
        [fs.formset.errors for fs in response.context["inline_admin_formsets"]],
    )
    case.refresh_from_db()
    assert (case.scheme_summary, case.installer) == ("北侧增设一部电梯", "福建快捷电梯工程有限公司")
