"""Whether an owner signs or seals is recorded on the owner (Owner.kind), never read from
the shape of the number: about one resident ID number in 31 also passes the credit code's
check (issue 10 §4)."""

import datetime
import itertools

import pytest
from django.urls import reverse

from cases import services
from cases.models import Owner, OwnerKind, owner_kind_for
from cases.validators import id_number_check_char, is_valid_credit_code, is_valid_id_number
from conftest import migrate_to, migrate_to_latest

from .factories import UserFactory, jurisdiction, unit_with_flats, valid_credit_code, valid_id_number

pytestmark = pytest.mark.django_db


def id_number_also_a_credit_code(start: int = 0) -> str:
    """A valid resident ID number (GB 11643) that also passes the credit code's check (GB 32100)."""
    birth = datetime.date(1960, 3, 1)
    for serial in itertools.count(start):
        body = f"350503{(birth + datetime.timedelta(days=serial // 999)):%Y%m%d}{serial % 999 + 1:03d}"
        number = body + id_number_check_char(body)
        if is_valid_credit_code(number):
            assert is_valid_id_number(number)
            return number
    raise AssertionError("unreachable")


def test_the_kind_follows_the_roster_and_the_number_not_the_shape_alone():
    both = id_number_also_a_credit_code()
    assert owner_kind_for(both) == OwnerKind.PERSON
    assert owner_kind_for(both, developer=True) == OwnerKind.ORGANISATION  # the roster says: the developer
    assert owner_kind_for(valid_credit_code(77)) == OwnerKind.ORGANISATION
    person = valid_id_number()
    assert owner_kind_for(person, developer=True) == OwnerKind.PERSON  # a personal number is a person's


def register(unit, room, name, number, *, developer=False):
    services.flat_register(
        unit=unit,
        room=room,
        floor=1,
        area="80.00",
        developer_held=developer,
        owners=[services.OwnerData(name=name, id_number=number)],
        actor=None,
    )
    return Owner.objects.get(jurisdiction=unit.building.jurisdiction, id_number=number)


def test_a_roster_import_records_person_and_developer():
    unit = unit_with_flats(flats=2)
    both = id_number_also_a_credit_code()
    assert register(unit, "101", "陈双码", both).kind == OwnerKind.PERSON
    company = register(unit, "102", "泉州市某房地产开发有限公司", valid_credit_code(4242), developer=True)
    assert company.kind == OwnerKind.ORGANISATION and company.is_organisation
    # The same number on a developer-held flat in a later import: the roster now says developer.
    other = id_number_also_a_credit_code(start=5000)
    assert register(unit, "101", "某公司", other).kind == OwnerKind.PERSON
    assert register(unit, "101", "某公司", other, developer=True).kind == OwnerKind.ORGANISATION


def test_the_owner_form_shows_the_kind_and_refuses_a_person_with_a_credit_code(client):
    lc_unit = unit_with_flats(flats=2, jurisdiction=jurisdiction("LC"))
    client.force_login(UserFactory(with_role="district_officer", jurisdiction=jurisdiction("LC")))
    url = reverse("admin:cases_owner_add")
    page = client.get(url)
    assert "业主类型" in page.text and "个人" in page.text and "单位" in page.text
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    inline = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-flat": str(lc_unit.flats.first().pk),
    }
    code = valid_credit_code(515)
    refused = client.post(url, {"name": "泉州某公司", "id_number": code, "kind": "person", **inline})
    assert refused.status_code == 200
    assert f"证件号码“{code}”是统一社会信用代码，不是身份证号码" in refused.text
    assert not Owner.objects.filter(id_number=code).exists()

    both = id_number_also_a_credit_code()
    assert client.post(url, {"name": "陈双码", "id_number": both, **inline}).status_code == 302
    assert Owner.objects.get(id_number=both).kind == OwnerKind.PERSON  # left unchosen: from the number
    assert client.post(url, {"name": "泉州某公司", "id_number": code, **inline}).status_code == 302
    assert Owner.objects.get(id_number=code).kind == OwnerKind.ORGANISATION

    listing = client.get(reverse("admin:cases_owner_changelist"), {"kind__exact": "organisation"})
    assert [o.name for o in listing.context["cl"].result_list] == ["泉州某公司"]
    assert "kind" in listing.context["cl"].list_display  # a column of the list too


@pytest.mark.django_db(transaction=True)
def test_the_migration_sets_the_kind_of_existing_owners_as_a_new_record_would(jurisdictions):
    before = [("cases", "0011_list_order_search_queue_indexes")]
    apps = migrate_to(before)
    try:
        office = apps.get_model("cases", "Jurisdiction").objects.get(code="FZ")
        Person, Owner = apps.get_model("cases", "Person"), apps.get_model("cases", "Owner")
        building = apps.get_model("cases", "Building").objects.create(
            jurisdiction=office, compound_name="花园", address="丰泽区1幢", floors=7
        )
        unit = apps.get_model("cases", "ElevatorUnit").objects.create(building=building, name="1单元")
        Flat, Ownership = apps.get_model("cases", "Flat"), apps.get_model("cases", "Ownership")
        numbers = {
            "person": valid_id_number(),
            "both": id_number_also_a_credit_code(),
            "company": valid_credit_code(31),
            "both_developer": id_number_also_a_credit_code(start=5000),
        }
        owners = {}
        for i, (label, number) in enumerate(numbers.items()):
            person = Person.objects.create(id_number=number)
            owners[label] = Owner.objects.create(jurisdiction=office, person=person, name=label, id_number=number)
            flat = Flat.objects.create(
                unit=unit, room=f"10{i + 1}", floor=1, area="80.00", developer_held=label == "both_developer"
            )
            Ownership.objects.create(flat=flat, owner=owners[label])

        apps = migrate_to([("cases", "0012_owner_kind")])
        kinds = dict(apps.get_model("cases", "Owner").objects.values_list("name", "kind"))
        assert kinds == {
            "person": "person",
            "both": "person",
            "company": "organisation",
            "both_developer": "organisation",
        }
    finally:
        migrate_to_latest()
