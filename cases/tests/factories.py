"""factory_boy factories. Cases open through the service, so a factory case has passed
the same gate and numbering as a real one."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from faker import Faker

from cases import services
from cases.models import (
    AgentBuilder,
    Building,
    ElevatorUnit,
    Flat,
    Jurisdiction,
    Owner,
    Ownership,
    Person,
    User,
    owner_kind_for,
)
from cases.roles import SPEC_BY_ROLE, Role
from cases.validators import credit_code_check_char, is_valid_credit_code, is_valid_id_number

_fake = Faker("zh_CN")


def jurisdiction(code: str = "FZ") -> Jurisdiction:
    return Jurisdiction.objects.get(code=code)


def valid_id_number() -> str:
    """A valid resident ID number that is not also a valid credit code (one random number in
    about 30 is both: `id_number_also_a_credit_code` makes those on purpose)."""
    while True:
        value = _fake.ssn(min_age=20, max_age=90)
        if is_valid_id_number(value) and not is_valid_credit_code(value):
            return value


def valid_credit_code(serial: int) -> str:
    body = f"91350503MA{serial:07d}"[:17]
    return body + credit_code_check_char(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    is_staff = True
    jurisdiction = factory.LazyFunction(lambda: jurisdiction("FZ"))
    password = factory.django.Password("pw")

    @factory.post_generation
    def with_role(obj, create, extracted, **kwargs):
        role = extracted
        if role is None:
            return
        obj.groups.add(Group.objects.get(name=SPEC_BY_ROLE[Role(role)].group_name))
        if SPEC_BY_ROLE[Role(role)].city_wide:
            obj.jurisdiction = None
        obj.save()


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    jurisdiction = factory.LazyFunction(lambda: jurisdiction("FZ"))
    compound_name = factory.Sequence(lambda n: f"测试花园{n}")
    address = factory.LazyAttribute(lambda o: f"{o.jurisdiction.name}测试街道{o.compound_name}1幢")
    floors = 7
    year_built = 1998


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ElevatorUnit

    building = factory.SubFactory(BuildingFactory)
    name = factory.Sequence(lambda n: f"{n + 1}单元")


def _person(number: str) -> Person:
    return Person.objects.get_or_create(id_number=number)[0]


class OwnerFactory(factory.django.DjangoModelFactory):
    """An office's owner record (丰泽区 unless `jurisdiction=` is given)."""

    class Meta:
        model = Owner

    jurisdiction = factory.LazyFunction(lambda: jurisdiction("FZ"))
    name = factory.Faker("name", locale="zh_CN")
    id_number = factory.LazyFunction(valid_id_number)
    kind = factory.LazyAttribute(lambda o: owner_kind_for(o.id_number))
    person = factory.LazyAttribute(lambda o: _person(o.id_number))
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class FlatFactory(factory.django.DjangoModelFactory):
    """A flat with one owner unless `owners=[...]` is given."""

    class Meta:
        model = Flat
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    floor = factory.Sequence(lambda n: n % 7 + 1)
    room = factory.Sequence(lambda n: f"{n % 7 + 1}{n // 7 + 1:02d}")
    area = Decimal("88.50")
    certificate_no = factory.Sequence(lambda n: f"闽(2020)泉州市不动产权第{1000000 + n}号")

    @factory.post_generation
    def owners(obj, create, extracted, **kwargs):
        default = [OwnerFactory(jurisdiction=obj.unit.building.jurisdiction)]
        for owner in extracted if extracted is not None else default:
            Ownership.objects.create(flat=obj, owner=owner)


class AgentBuilderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentBuilder

    jurisdiction = factory.LazyFunction(lambda: jurisdiction("FZ"))
    name = factory.Sequence(lambda n: f"泉州市第{n}加梯工程有限公司")
    credit_code = factory.Sequence(valid_credit_code)
    person = factory.LazyAttribute(lambda o: _person(o.credit_code))


def unit_with_flats(*, flats: int = 6, **building_kwargs) -> ElevatorUnit:
    unit = UnitFactory(building=BuildingFactory(**building_kwargs))
    for i in range(flats):
        FlatFactory(unit=unit, floor=i // 2 + 1, room=f"{i // 2 + 1}0{i % 2 + 1}")
    return unit


MOTION = {"scheme_summary": "在北侧增设一部无机房电梯，平层入户。", "budget": Decimal("420000.00")}


def open_case(*, unit: ElevatorUnit | None = None, actor=None, motion: bool = True, **building_kwargs):
    """An open case; with the motion (scheme and budget) a vote needs, unless `motion=False`."""
    return services.case_open(
        unit=unit or unit_with_flats(**building_kwargs), actor=actor, **(MOTION if motion else {})
    )


# --- the workflow ---------------------------------------------------------------------


from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.models import AttachmentKind  # noqa: E402

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf_upload(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def officer(code: str = "FZ", role: str = "district_officer"):
    return UserFactory(with_role=role, jurisdiction=jurisdiction(code))


def reviewer_for(step):
    """A user of the step's department in the case's jurisdiction."""
    role = {
        "housing": "district_officer",
        "planning": "planning_reviewer",
        "urban": "urban_reviewer",
        "market": "market_reviewer",
        "fund": "fund_reviewer",
    }[step.department]
    return UserFactory(with_role=role, jurisdiction=step.case.jurisdiction)


def record_paper(step, *, by=None, kinds=None):
    """A window submission with scans; by default the papers the step needs (step 1: the
    owners' agreement and the scheme drawing; others: one scan)."""
    from cases import services

    if kinds is None:
        kinds = step.procedure.submission_papers or (AttachmentKind.OTHER,)
    by = by or UserFactory(with_role="district_officer", jurisdiction=step.case.jurisdiction)
    return services.paper_submission_record(
        step=step,
        actor=by,
        brought_by="业主代表",
        brought_at=timezone.now(),
        files=[(kind, pdf_upload(f"{kind}.pdf")) for kind in kinds],
    )
