"""The register's services: what they record, what they refuse (in Chinese, nothing half
saved), who may record, and the audit events."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from cases import extensions
from cases.tests.factories import PDF_BYTES, officer
from demo.tests.factories import CaseFactory
from upkeep import services
from upkeep.models import Inspection, MaintenanceContract, MaintenanceVisit, Register, RunningCost

from .helpers import completed_case, with_register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _messages(refusal: ValidationError) -> str:
    return " ".join(refusal.messages)


def test_the_register_is_kept_for_a_completed_case_only():
    case = CaseFactory(at_step=5)
    with pytest.raises(ValidationError, match="办结"):
        services.register_save(case=case, actor=officer(), using_unit_name="某物业")
    assert not Register.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("office", True),
        ("other_district", False),
        ("reviewer", False),
        ("city", False),
    ],
)
def test_only_the_receiving_office_records(who, allowed):
    case = completed_case()
    user = {
        "office": lambda: officer(case.jurisdiction.code),
        "other_district": lambda: officer("LC"),
        "reviewer": lambda: officer(case.jurisdiction.code, role="market_reviewer"),
        "city": lambda: officer("FZ", role="city_supervisor"),
    }[who]()
    if allowed:
        with_register(case, actor=user)
        assert Register.objects.filter(case=case).exists()
    else:
        with pytest.raises(PermissionDenied):
            with_register(case, actor=user)
        assert not Register.objects.exists()


def test_saving_the_register_logs_what_changed():
    case = with_register()
    services.register_save(case=case, actor=officer(case.jurisdiction.code), rescue_code="35099")
    event = AuditEvent.objects.filter(event="upkeep_register_saved").order_by("-pk").first()
    assert "96196应急救援识别码" in event.message and event.case == case
    assert Register.objects.get(case=case).rescue_code == "35099"


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("rescue_code", "96196-ABC", "5至12位数字"),
        ("safety_admin_certificate", "<script>", "格式不正确"),
        ("safety_admin_certificate", "X" * 41, "格式不正确"),
        ("contact_phone", "call me", "联系电话格式不正确"),
        ("contact_email", "no-at-sign", "邮箱格式不正确"),
        ("rated_load_kg", "lots", "整数"),
        ("rated_load_kg", 10**9, "100至5000"),
        ("rated_speed", "fast", "数字"),
        ("rated_speed", "NaN", "0.10至10.00"),
        ("stops", -3, "2至60"),
        ("using_unit_name", "物" * 5000, "不能超过100字"),
        ("using_unit_name", 12345, "格式不正确"),
        ("first_used_on", datetime.date(1, 1, 1), "超出合理范围"),
        ("first_used_on", datetime.date(9999, 12, 31), "不能晚于现在"),
        ("using_unit_kind", "robots", "使用单位类型"),
    ],
)
def test_hostile_register_values_are_refused_in_chinese_and_nothing_is_saved(field, value, says):
    case = with_register()
    before = Register.objects.get(case=case).__dict__.copy()
    with pytest.raises(ValidationError) as refusal:
        services.register_save(case=case, actor=officer(case.jurisdiction.code), **{field: value})
    assert says in _messages(refusal.value)
    after = Register.objects.get(case=case).__dict__
    assert {k: v for k, v in after.items() if not k.startswith("_")} == {
        k: v for k, v in before.items() if not k.startswith("_")
    }


def test_invisible_characters_in_a_name_are_dropped_not_stored():
    case = with_register()
    services.register_save(case=case, actor=officer(case.jurisdiction.code), using_unit_name="物业\x00公司\u200b")
    assert Register.objects.get(case=case).using_unit_name == "物业公司"


def test_owners_managing_themselves_must_name_one_owner_of_the_unit():
    case = with_register()
    actor = officer(case.jurisdiction.code)
    with pytest.raises(ValidationError, match="指定一名业主"):
        services.register_save(case=case, actor=actor, using_unit_kind="owners", using_unit_name="")
    stranger = CaseFactory().unit.flats.first().owners.first()
    with pytest.raises(ValidationError, match="本梯号的业主"):
        services.register_save(case=case, actor=actor, using_unit_kind="owners", responsible_owner=stranger.pk)
    owner = case.unit.flats.first().owners.first()
    register = services.register_save(case=case, actor=actor, using_unit_kind="owners", responsible_owner=owner.pk)
    assert register.responsible_owner == owner


def test_use_registration_is_recorded_and_the_money_steps_can_ask_for_it():
    case = with_register()
    assert extensions.use_registered_on(case) is None
    on = TODAY() - datetime.timedelta(days=2)
    services.use_registration_record(
        case=case, actor=officer(case.jurisdiction.code), registered_on=on, certificate=" 梯11闽C00512(26) "
    )
    assert extensions.use_registered_on(case) == on
    assert Register.objects.get(case=case).registration_certificate == "梯11闽C00512(26)"
    assert AuditEvent.objects.filter(event="upkeep_use_registered", case=case).count() == 1
    # A case with no register at all answers None too.
    assert extensions.use_registered_on(CaseFactory()) is None


@pytest.mark.parametrize(
    ("certificate", "on", "says"),
    [
        ("", 0, "请填写使用登记证编号"),
        ("=HYPERLINK(1)", 0, "格式不正确"),
        ("梯" * 60, 0, "格式不正确"),
        ("梯11闽C00512(26)", -12000, "超出合理范围"),
        ("梯11闽C00512(26)", -45, "早于首次投入使用日期30天以上"),
        ("梯11闽C00512(26)", 3, "不能晚于现在"),
    ],
)
def test_bad_use_registrations_are_refused(certificate, on, says):
    case = with_register()
    with pytest.raises(ValidationError) as refusal:
        services.use_registration_record(
            case=case,
            actor=officer(case.jurisdiction.code),
            registered_on=TODAY() + datetime.timedelta(days=on),
            certificate=certificate,
        )
    assert says in _messages(refusal.value)
    assert Register.objects.get(case=case).registered_on is None


def _contract(case, company="泉州通达电梯维保有限公司", start=None, **kw):
    start = start or TODAY()
    values = {
        "company": company,
        "licence_number": "TS3435001-2026",
        "starts_on": start,
        "ends_on": start + datetime.timedelta(days=364),
        "price": "4800.00",
        "interval_days": 15,
        **kw,
    }
    return services.contract_record(case=case, actor=officer(case.jurisdiction.code), **values)


def test_a_new_contract_replaces_the_current_one_which_stays_as_history():
    case = with_register()
    first = _contract(case, "甲维保公司", start=TODAY() - datetime.timedelta(days=100))
    second = _contract(case, "乙维保公司")
    first.refresh_from_db()
    assert first.replaced_on == second.starts_on and second.replaced_on is None
    assert list(MaintenanceContract.objects.filter(register__case=case, replaced_on__isnull=True)) == [second]
    assert "替换原合同：甲维保公司" in AuditEvent.objects.filter(event="upkeep_contract_recorded").latest("pk").message


@pytest.mark.parametrize(
    ("kw", "says"),
    [
        ({"interval_days": 30}, "至少每15日"),
        ({"price": "-1"}, "应大于0"),
        ({"price": "1e30"}, "不超过"),
        ({"price": "12.345"}, "精确到分"),
        ({"price": "abc"}, "应为金额"),
        ({"licence_number": ""}, "请填写"),
        ({"company": "  "}, "请填写维保单位"),
        ({"ends_on": datetime.date(2000, 1, 2)}, "晚于起始日期"),
    ],
)
def test_bad_contracts_are_refused(kw, says):
    case = with_register()
    with pytest.raises(ValidationError) as refusal:
        _contract(case, **kw)
    assert says in _messages(refusal.value)
    assert not MaintenanceContract.objects.exists()


def test_an_inspection_and_its_bad_forms():
    case = with_register()
    actor = officer(case.jurisdiction.code)
    good = {
        "inspected_on": TODAY() - datetime.timedelta(days=3),
        "result": "passed",
        "certificate_number": "闽特检(2026)DT0512",
        "valid_until": TODAY() + datetime.timedelta(days=362),
    }
    services.inspection_record(case=case, actor=actor, **good)
    for bad, says in [
        ({"result": "maybe"}, "检验结论"),
        ({"certificate_number": "@SUM(A1)"}, "格式不正确"),
        ({"valid_until": good["inspected_on"]}, "晚于检验日期"),
        ({"valid_until": datetime.date(9999, 1, 1)}, "超出合理范围"),
        ({"inspected_on": TODAY() + datetime.timedelta(days=5)}, "不能晚于现在"),
    ]:
        with pytest.raises(ValidationError) as refusal:
            services.inspection_record(case=case, actor=actor, **{**good, **bad})
        assert says in _messages(refusal.value)
    assert Inspection.objects.count() == 1


def test_a_visit_with_its_scan_and_a_refused_scan():
    case = with_register()
    actor = officer(case.jurisdiction.code)
    visit = services.visit_record(
        case=case,
        actor=actor,
        visited_on=TODAY(),
        done_by="林志强",
        work="半月保养",
        scan=SimpleUploadedFile("记录.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    assert visit.scan and visit.scan_type == "application/pdf"
    with pytest.raises(ValidationError):
        services.visit_record(
            case=case,
            actor=actor,
            visited_on=TODAY(),
            done_by="林志强",
            work="半月保养",
            scan=SimpleUploadedFile("记录.pdf", b"MZ not a pdf", content_type="application/pdf"),
        )
    with pytest.raises(ValidationError, match="不能超过2000字"):
        services.visit_record(case=case, actor=actor, visited_on=TODAY(), done_by="林", work="保" * 2001)
    assert MaintenanceVisit.objects.count() == 1


def test_costs_are_recorded_and_published_by_year():
    case = with_register()
    actor = officer(case.jurisdiction.code)
    services.cost_record(case=case, actor=actor, year=TODAY().year, kind="electricity", amount="1260.00")
    with pytest.raises(ValidationError, match="年度"):
        services.cost_record(case=case, actor=actor, year="二〇二六", kind="electricity", amount="1")
    with pytest.raises(ValidationError, match="2000至"):
        services.cost_record(case=case, actor=actor, year=1999, kind="electricity", amount="1")
    with pytest.raises(ValidationError, match="费用类别"):
        services.cost_record(case=case, actor=actor, year=TODAY().year, kind="bribes", amount="1")
    assert services.costs_publish(case=case, actor=actor, year=TODAY().year) == 1
    with pytest.raises(ValidationError, match="没有待公布"):
        services.costs_publish(case=case, actor=actor, year=TODAY().year)
    assert RunningCost.objects.get().published_at is not None
    assert Decimal("1260.00") == RunningCost.objects.get().amount
