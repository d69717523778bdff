"""A case worth printing: flats on several floors, co-owners, one owner with two flats,
a developer-held flat, an owner whose name is markup, a funding plan, representatives."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from cases import services
from cases.tests.factories import (
    BuildingFactory,
    FlatFactory,
    OwnerFactory,
    UnitFactory,
    UserFactory,
    jurisdiction,
    valid_credit_code,
)
from funding import services as funding_services
from funding.models import FundingSourceKind

SCRIPT_NAME = "<script>alert(1)</script>"


def build_case(*, code: str = "FZ", floors: int = 4, per_floor: int = 2, with_money: bool = True):
    building = BuildingFactory(jurisdiction=jurisdiction(code), floors=max(floors, 2))
    unit = UnitFactory(building=building)
    twice = OwnerFactory(name="林双房")
    developer = OwnerFactory(name="泉州市测试房地产开发有限公司", id_number=valid_credit_code(9001))
    for floor in range(1, floors + 1):
        for pos in range(1, per_floor + 1):
            room = f"{floor}{pos:02d}"
            if (floor, pos) == (1, 1):
                owners = [OwnerFactory(name=SCRIPT_NAME)]
            elif (floor, pos) == (1, 2):
                owners = [OwnerFactory(name="陈共有"), OwnerFactory(name="黄共有")]
            elif room in ("201", f"{floors}01"):
                owners = [twice]
            elif (floor, pos) == (floors, per_floor):
                owners = [developer]
            else:
                owners = None  # one generated owner
            FlatFactory(
                unit=unit,
                floor=floor,
                room=room,
                area=Decimal("80.00") + floor + pos / Decimal(4),
                developer_held=owners == [developer],
                **({"owners": owners} if owners else {}),
            )
    case = services.case_open(unit=unit, actor=None)
    if with_money:
        services.case_update_details(
            case=case,
            actor=None,
            representatives=[twice],
            budget=Decimal("380000.00"),
            scheme_summary="在单元北侧增设一部无机房电梯，平层入户。",
            installer="泉州市安达电梯工程有限公司",
            stretcher_capable=True,
        )
        funding_services.case_set_funding(
            case=case,
            actor=None,
            amounts={
                FundingSourceKind.OWNERS: Decimal("300000.00"),
                FundingSourceKind.PROVIDENT_FUND: Decimal("50000.00"),
                FundingSourceKind.MAINTENANCE_FUND: Decimal("30000.00"),
            },
        )
    case.refresh_from_db()
    return case


@pytest.fixture
def case(db):
    return build_case()


@pytest.fixture
def officer(db):
    return UserFactory(with_role="district_officer", jurisdiction=jurisdiction("FZ"))


def pdf_pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    # pypdf may break a line anywhere; compare without line breaks.
    return "\n".join(pdf_pages_text(data))


def flat_text(text: str) -> str:
    return "".join(text.split())
