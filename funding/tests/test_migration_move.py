"""The money moved from the cases app to funding in Django's state only: a database at cases
0014 with money rows keeps every row, in the same tables, read through the funding models;
the permissions stay the same rows (their content types renamed), so the groups keep them."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from conftest import migrate_to, migrate_to_latest

BEFORE = [("cases", "0014_step_waiting_for_applicant"), ("funding", None)]


@pytest.mark.django_db(transaction=True)
def test_a_database_with_money_rows_keeps_them_through_the_move(jurisdictions):
    apps = migrate_to(BEFORE)
    try:
        assert "fundingsource" not in apps.all_models["funding"]
        Jurisdiction = apps.get_model("cases", "Jurisdiction")
        Building = apps.get_model("cases", "Building")
        Unit = apps.get_model("cases", "ElevatorUnit")
        Case = apps.get_model("cases", "Case")
        FundingSource = apps.get_model("cases", "FundingSource")
        FloorCoefficient = apps.get_model("cases", "FloorCoefficient")
        Agreement = apps.get_model("cases", "Agreement")
        Permission = apps.get_model("auth", "Permission")
        fz = Jurisdiction.objects.get(code="FZ")
        building = Building.objects.create(jurisdiction=fz, compound_name="花园", address="丰泽区1幢", floors=7)
        unit = Unit.objects.create(building=building, name="1单元")
        case = Case.objects.create(number="FZ-2026-0001", jurisdiction=fz, unit=unit)
        FundingSource.objects.create(case=case, kind="owners", amount=Decimal("300000.00"), note="按户")
        FundingSource.objects.create(case=case, kind="provident_fund", amount=Decimal("60000.00"))
        FloorCoefficient.objects.create(case=case, floor=1, coefficient=Decimal("0.00"))
        FloorCoefficient.objects.create(case=case, floor=2, coefficient=Decimal("0.60"))
        Agreement.objects.create(case=case, using_unit="泉州市安居物业服务有限公司")
        change_plan = Permission.objects.get(content_type__app_label="cases", codename="change_fundingsource")

        apps = migrate_to_latest()
        Case = apps.get_model("cases", "Case")
        case = Case.objects.get(number="FZ-2026-0001")
        assert list(case.funding_sources.values_list("kind", "amount", "note")) == [
            ("owners", Decimal("300000.00"), "按户"),
            ("provident_fund", Decimal("60000.00"), ""),
        ]
        assert list(case.floor_coefficients.values_list("floor", "coefficient")) == [
            (1, Decimal("0.00")),
            (2, Decimal("0.60")),
        ]
        assert case.agreement.using_unit == "泉州市安居物业服务有限公司"
        assert apps.get_model("funding", "FundingSource")._meta.db_table == "cases_fundingsource"
        Permission = apps.get_model("auth", "Permission")
        moved = Permission.objects.get(content_type__app_label="funding", codename="change_fundingsource")
        assert moved.pk == change_plan.pk
        assert not Permission.objects.filter(content_type__app_label="cases", codename="change_fundingsource").exists()
        # The constraints came along with the tables: a second owners' row is still refused.
        with pytest.raises(IntegrityError), transaction.atomic():
            apps.get_model("funding", "FundingSource").objects.create(case=case, kind="owners", amount=1)
    finally:
        migrate_to_latest()
