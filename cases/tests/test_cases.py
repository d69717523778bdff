"""Opening a case: the eligibility gate, numbering, one open case per unit, constraints."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from cases import services
from cases.models import Case, Flat
from cases.services import CaseNotEligible

from .factories import FlatFactory, UserFactory, jurisdiction, open_case, unit_with_flats

pytestmark = pytest.mark.django_db


def test_case_numbers_run_per_jurisdiction_and_year():
    year = timezone.localdate().year
    first = open_case()
    second = open_case()
    other = open_case(jurisdiction=jurisdiction("LC"))
    assert (first.number, second.number) == (f"FZ-{year}-0001", f"FZ-{year}-0002")
    assert other.number == f"LC-{year}-0001"


def test_gate_names_every_failed_condition_at_once():
    unit = unit_with_flats(in_demolition_plan=True, land_inside_plot=False)
    flat = unit.flats.first()
    Flat.objects.filter(pk=flat.pk).update(certificate_no="")
    with pytest.raises(CaseNotEligible) as err:
        services.case_open(unit=unit, actor=None)
    text = "；".join(err.value.problems)
    assert f"{flat.room}" in text and "不动产权证" in text
    assert "五年内拆迁改造" in text
    assert "用地不在现住宅小区" in text
    assert not Case.objects.exists()


def test_unit_without_flats_cannot_open():
    with pytest.raises(CaseNotEligible) as err:
        services.case_open(unit=unit_with_flats(flats=0), actor=None)
    assert "尚未登记任何房屋" in err.value.problems[0]


def test_heritage_building_opens_flagged():
    case = open_case(in_heritage_area=True)
    assert case.needs_heritage_opinion


def test_one_open_case_per_unit_is_refused_in_chinese():
    case = open_case()
    with pytest.raises(services.ValidationError) as err:
        services.case_open(unit=case.unit, actor=None)
    assert case.number in err.value.messages[0]
    assert Case.objects.count() == 1


def test_database_holds_one_open_case_per_unit_even_past_the_service():
    case = open_case()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(number="FZ-1999-0001", jurisdiction=case.jurisdiction, unit=case.unit)


def test_database_refuses_non_positive_area():
    flat = FlatFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Flat.objects.filter(pk=flat.pk).update(area=Decimal("0"))


def test_opening_is_audited_with_its_actor():
    officer = UserFactory(with_role="district_officer")
    case = open_case(actor=officer)
    event = AuditEvent.objects.get(event="case_opened")
    assert (event.case, event.actor) == (case, officer)


def test_officer_cannot_open_a_case_in_another_jurisdiction():
    officer = UserFactory(with_role="district_officer", jurisdiction=jurisdiction("LC"))
    with pytest.raises(services.PermissionDenied):
        open_case(actor=officer)
    assert not Case.objects.exists()


def test_city_supervisor_writes_nothing():
    supervisor = UserFactory(with_role="city_supervisor")
    with pytest.raises(services.PermissionDenied):
        open_case(actor=supervisor)


def test_representatives_must_own_a_flat_in_the_unit():
    case = open_case()
    stranger = FlatFactory().owners.first()
    with pytest.raises(services.ValidationError) as err:
        services.case_update_details(case=case, actor=None, representatives=[stranger])
    assert stranger.name in err.value.messages[0]
