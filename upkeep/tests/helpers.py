"""A completed case with a register, as its office would have recorded it."""

import datetime
from decimal import Decimal

from django.utils import timezone

from cases.tests.factories import officer
from demo.tests.factories import CaseFactory
from upkeep import services


def completed_case():
    return CaseFactory(completed=True)


def with_register(case=None, *, actor=None, **overrides):
    case = case or completed_case()
    actor = actor or officer(case.jurisdiction.code)
    today = timezone.localdate()
    values = {
        "using_unit_kind": "property",
        "using_unit_name": "泉州市安居物业服务有限公司",
        "safety_admin_name": "陈建平",
        "safety_admin_certificate": "TSZ350500012026",
        "contact_name": "陈建平",
        "contact_phone": "0595-22881234",
        "contact_email": "wuye@example.com",
        "maker": "通力电梯有限公司",
        "model": "MonoSpace 500",
        "rated_load_kg": 630,
        "rated_speed": Decimal("1.00"),
        "stops": 6,
        "factory_number": "FJ2026050123",
        "rescue_code": "35052",
        "first_used_on": today - datetime.timedelta(days=10),
        **overrides,
    }
    services.register_save(case=case, actor=actor, **values)
    return case
