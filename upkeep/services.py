"""Every write of an elevator's register. Each runs in one transaction that locks the case
row first (docs/locking.md), then the register row, checks who acts and what was entered,
writes, and logs its named event. Mail goes out only after commit (`reminders_send`).

The register is kept for a completed case only (the elevator runs after step 8)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadlines import load_calendar
from cases.files import FilesWritten, inspect_upload
from cases.models import Case, CaseStatus, Owner, User
from cases.roles import SPEC_BY_ROLE, Role
from cases.validators import clean_text, format_day, validate_date_in_range, validate_past_moment
from funding.models import Agreement

from . import audit, selectors
from .models import (
    CostKind,
    Inspection,
    InspectionResult,
    MaintenanceContract,
    MaintenanceVisit,
    Register,
    ReminderSent,
    RunningCost,
    UsingUnitKind,
    UsingUnitMember,
)
from .permissions import can_keep_register, can_record_upkeep, is_using_unit_user

# Certificate and licence numbers as offices print them: 梯11闽C00012(26), TS3435001-2026,
# 闽特检(2026)第0123号. Letters, digits, Chinese, brackets, hyphens, slashes and dots.
_CERTIFICATE = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff()（）\[\]〔〕【】\-/.·]{4,40}$")
_RESCUE_CODE = re.compile(r"^[0-9]{5,12}$")
_PHONE = re.compile(r"^[0-9][0-9\-]{6,19}$")
MAX_TEXT = 2000
MAX_AMOUNT = Decimal("99999999.99")


def validate_certificate(value: str, *, what: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if not value:
        raise ValidationError(_("请填写%(what)s。") % {"what": what}, code="required")
    if not _CERTIFICATE.match(value):
        raise ValidationError(
            _("%(what)s格式不正确：应为4至40位字母、数字、汉字或括号、短横线，例如“梯11闽C00012(26)”。")
            % {"what": what},
            code="bad_certificate",
        )
    return value


def _text(value, *, what: str, max_length: int, required: bool = False) -> str:
    return clean_text(value, what=what, limit=max_length, required=required, multiline=True)


def _lock(case: Case) -> Case:
    Case.objects.select_for_update(no_key=True).only("pk").get(pk=case.pk)
    return Case.objects.select_related("jurisdiction", "unit__building").get(pk=case.pk)


def _check(actor, case: Case, *, may=can_keep_register) -> None:
    if case.status != CaseStatus.COMPLETED:
        raise ValidationError(_("电梯使用管理档案在案件办结（电梯安装完成）后登记。"), code="not_completed")
    if actor is not None and not may(actor, case):
        if may is can_record_upkeep:
            raise PermissionDenied(_("只有受理本案的区住建部门或本电梯的使用单位可以登记维护保养和定期检验。"))
        raise PermissionDenied(_("只有受理本案的区住建部门可以登记电梯使用管理档案。"))


def _locked_register(case: Case) -> Register:
    register = Register.objects.select_for_update().filter(case_id=case.pk).first()
    if register is None:
        # A new register starts from what the case and the owners' agreement already say.
        agreement = Agreement.objects.filter(case_id=case.pk).only("using_unit").first()
        register = Register.objects.create(
            case=case, installer=case.installer, using_unit_name=agreement.using_unit if agreement else ""
        )
    register.case = case
    return register


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


REGISTER_FIELDS = (
    "using_unit_kind",
    "using_unit_name",
    "responsible_owner",
    "safety_admin_name",
    "safety_admin_certificate",
    "contact_name",
    "contact_phone",
    "contact_email",
    "maker",
    "model",
    "rated_load_kg",
    "rated_speed",
    "stops",
    "factory_number",
    "rescue_code",
    "installer",
    "first_used_on",
)


def _clean_register(case: Case, values: dict) -> dict:
    """Every problem at once, by field; nothing saved unless all pass."""
    errors: dict[str, list] = {}
    clean: dict = {}

    def check(name, fn):
        try:
            clean[name] = fn(values.get(name))
        except ValidationError as e:
            errors.setdefault(name, []).extend(e.messages)

    def text(what, n, required=False):
        return lambda v: _text(v, what=what, max_length=n, required=required)

    def kind(v):
        if v not in UsingUnitKind.values:
            raise ValidationError(_("请选择使用单位类型。"))
        return v

    check("using_unit_kind", kind)
    check("using_unit_name", text(_("使用单位名称"), 100))
    check("safety_admin_name", text(_("安全管理员"), 40))
    check("contact_name", text(_("联系人"), 40))
    check("maker", text(_("制造单位"), 100))
    check("model", text(_("型号"), 60))
    check("installer", text(_("安装单位"), 100))

    def optional_certificate(what):
        def run(v):
            v = (v or "").strip()
            return validate_certificate(v, what=what) if v else ""

        return run

    check("safety_admin_certificate", optional_certificate(_("安全管理员证书编号")))
    check("factory_number", optional_certificate(_("出厂编号")))

    def phone(v):
        v = (v or "").strip()
        if v and not _PHONE.match(v):
            raise ValidationError(_("联系电话格式不正确：应为7至20位数字，可含短横线。"))
        return v

    check("contact_phone", phone)

    def email(v):
        v = (v or "").strip()
        if v and (len(v) > 120 or not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", v)):
            raise ValidationError(_("提醒邮箱格式不正确。"))
        return v

    check("contact_email", email)

    def rescue(v):
        v = (v or "").strip()
        if v and not _RESCUE_CODE.match(v):
            raise ValidationError(_("96196应急救援识别码应为5至12位数字。"))
        return v

    check("rescue_code", rescue)

    def whole(what, low, high):
        def run(v):
            if v in (None, ""):
                return None
            try:
                n = int(v)
            except (TypeError, ValueError):
                raise ValidationError(_("%(what)s应为整数。") % {"what": what}) from None
            if not low <= n <= high:
                raise ValidationError(
                    _("%(what)s应在%(low)s至%(high)s之间。") % {"what": what, "low": low, "high": high}
                )
            return n

        return run

    check("rated_load_kg", whole(_("额定载重量"), 100, 5000))
    check("stops", whole(_("层站数"), 2, 60))

    def speed(v):
        if v in (None, ""):
            return None
        try:
            d = Decimal(str(v))
        except InvalidOperation:
            raise ValidationError(_("额定速度应为数字，例如1.00。")) from None
        if not d.is_finite() or not Decimal("0.1") <= d <= Decimal("10"):
            raise ValidationError(_("额定速度应在0.10至10.00 m/s之间。"))
        return d.quantize(Decimal("0.01"))

    check("rated_speed", speed)

    def first_used(v):
        if v in (None, ""):
            return None
        validate_past_moment(v, what=_("首次投入使用日期"))
        return v

    check("first_used_on", first_used)

    def owner(v):
        if v in (None, ""):
            return None
        pk = getattr(v, "pk", v)
        found = Owner.objects.filter(pk=pk, flats__unit_id=case.unit_id).distinct().first()
        if found is None:
            raise ValidationError(_("负责业主应为本梯号的业主。"))
        return found

    check("responsible_owner", owner)
    if not errors and clean["using_unit_kind"] == UsingUnitKind.OWNERS and clean["responsible_owner"] is None:
        errors["responsible_owner"] = [_("业主自行管理的，须指定一名业主负责。")]
    if not errors and clean["using_unit_kind"] != UsingUnitKind.OWNERS and not clean["using_unit_name"]:
        errors["using_unit_name"] = [_("请填写使用单位名称。")]
    if errors:
        raise ValidationError(errors)
    return clean


def register_save(*, case: Case, actor, **values) -> Register:
    """The using unit, its safety administrator and contacts, the elevator itself and its
    first use. Fields not given keep their value."""
    unknown = set(values) - set(REGISTER_FIELDS)
    if unknown:
        raise TypeError(f"unknown register fields: {sorted(unknown)}")
    with transaction.atomic():
        case = _lock(case)
        _check(actor, case)
        register = _locked_register(case)
        merged = {name: getattr(register, name) for name in REGISTER_FIELDS}
        merged.update(values)
        clean = _clean_register(case, merged)
        changed = [
            str(Register._meta.get_field(name).verbose_name)
            for name, value in clean.items()
            if getattr(register, name) != value
        ]
        for name, value in clean.items():
            setattr(register, name, value)
        register.updated_at = timezone.now()
        register.save()
        audit.register_saved(register=register, actor=actor, changed=changed)
    return register


def use_registration_record(*, case: Case, actor, registered_on: datetime.date, certificate: str) -> Register:
    """使用登记: the date and the certificate number from market supervision. Recorded, it
    unlocks the money steps that wait for it (`cases.extensions.use_registered_on`)."""
    certificate = validate_certificate(certificate, what=_("使用登记证编号"))
    if not isinstance(registered_on, datetime.date):
        raise ValidationError(_("请填写使用登记日期。"), code="required")
    validate_past_moment(registered_on, what=_("使用登记日期"))
    with transaction.atomic():
        case = _lock(case)
        _check(actor, case)
        register = _locked_register(case)
        if register.first_used_on and registered_on < register.first_used_on - datetime.timedelta(
            days=settings.UPKEEP_REGISTRATION_WITHIN_DAYS
        ):
            raise ValidationError(
                _("使用登记日期早于首次投入使用日期%(days)s天以上，请核对。")
                % {"days": settings.UPKEEP_REGISTRATION_WITHIN_DAYS},
                code="too_early",
            )
        register.registered_on, register.registration_certificate = registered_on, certificate
        register.updated_at = timezone.now()
        register.save(update_fields=["registered_on", "registration_certificate", "updated_at"])
        audit.use_registered(register=register, actor=actor)
    return register


def _amount(value, *, what: str) -> Decimal:
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        raise ValidationError(_("%(what)s应为金额，例如12000.00。") % {"what": what}, code="bad_amount") from None
    if not d.is_finite() or d <= 0 or d > MAX_AMOUNT:
        raise ValidationError(
            _("%(what)s应大于0且不超过%(max)s元。") % {"what": what, "max": f"{MAX_AMOUNT:,}"}, code="bad_amount"
        )
    if d != d.quantize(Decimal("0.01")):
        raise ValidationError(_("%(what)s最多精确到分。") % {"what": what}, code="bad_amount")
    return d.quantize(Decimal("0.01"))


def contract_record(
    *,
    case: Case,
    actor,
    company: str,
    licence_number: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    price,
    interval_days: int = 15,
) -> MaintenanceContract:
    """A maintenance contract; it replaces the current one, which stays as history."""
    company = _text(company, what=_("维保单位"), max_length=100, required=True)
    licence_number = validate_certificate(licence_number, what=_("维保单位许可证编号"))
    price = _amount(price, what=_("合同价款"))
    validate_date_in_range(starts_on, what=_("合同起始日期"))
    validate_date_in_range(ends_on, what=_("合同终止日期"), days_ahead=366 * 6)
    if ends_on <= starts_on:
        raise ValidationError(_("合同终止日期应晚于起始日期。"), code="ends_before")
    limit = settings.UPKEEP_MAINTENANCE_INTERVAL_DAYS
    if not isinstance(interval_days, int) or not 1 <= interval_days <= limit:
        raise ValidationError(
            _("保养周期应为1至%(days)s天（至少每%(days)s日进行一次维护保养）。") % {"days": limit},
            code="interval",
        )
    with transaction.atomic():
        case = _lock(case)
        _check(actor, case)
        register = _locked_register(case)
        replaced = register.contracts.filter(replaced_on__isnull=True).first()
        if replaced is not None:
            replaced.replaced_on = max(starts_on, replaced.starts_on)
            replaced.save(update_fields=["replaced_on"])
        contract = MaintenanceContract.objects.create(
            register=register,
            company=company,
            licence_number=licence_number,
            starts_on=starts_on,
            ends_on=ends_on,
            price=price,
            interval_days=interval_days,
            recorded_by=_actor(actor),
        )
        audit.contract_recorded(contract=contract, replaced=replaced, actor=actor)
    return contract


def inspection_record(
    *, case: Case, actor, inspected_on: datetime.date, result: str, certificate_number: str, valid_until
) -> Inspection:
    """A periodic inspection with its report and the date its certificate runs out: the
    office, or the using unit's account on a register it manages."""
    certificate_number = validate_certificate(certificate_number, what=_("检验报告编号"))
    if result not in InspectionResult.values:
        raise ValidationError(_("请选择检验结论。"), code="result")
    validate_past_moment(inspected_on, what=_("检验日期"))
    validate_date_in_range(valid_until, what=_("下次检验日期"), days_ahead=366 * 3)
    if valid_until <= inspected_on:
        raise ValidationError(_("下次检验日期应晚于检验日期。"), code="valid_before")
    with transaction.atomic():
        case = _lock(case)
        _check(actor, case, may=can_record_upkeep)
        register = _locked_register(case)
        inspection = Inspection.objects.create(
            register=register,
            inspected_on=inspected_on,
            result=result,
            certificate_number=certificate_number,
            valid_until=valid_until,
            recorded_by=_actor(actor),
        )
        audit.inspection_recorded(inspection=inspection, actor=actor)
    return inspection


def visit_record(
    *, case: Case, actor, visited_on: datetime.date, done_by: str, work: str, scan=None
) -> MaintenanceVisit:
    """A maintenance visit; the signed record's scan (PDF, JPEG or PNG) is kept private. The
    office or the using unit's account on a register it manages."""
    done_by = _text(done_by, what=_("保养人员"), max_length=64, required=True)
    work = _text(work, what=_("保养内容"), max_length=MAX_TEXT, required=True)
    validate_past_moment(visited_on, what=_("保养日期"))
    facts = inspect_upload(scan, what=_("签字记录扫描件")) if scan else None
    with FilesWritten() as written, transaction.atomic():
        case = _lock(case)
        _check(actor, case, may=can_record_upkeep)
        register = _locked_register(case)
        visit = MaintenanceVisit(
            register=register, visited_on=visited_on, done_by=done_by, work=work, recorded_by=_actor(actor)
        )
        if facts is not None:
            visit.scan_type, visit.scan_sha256 = facts.content_type, facts.sha256
            visit.scan.save(facts.name, scan, save=False)
            written.add(visit.scan)
        visit.save()
        audit.visit_recorded(visit=visit, actor=actor)
    return visit


def cost_record(*, case: Case, actor, year, kind: str, amount, note: str = "") -> RunningCost:
    """One year's running cost of one kind (electricity, maintenance, inspection, repairs)."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(_("年度应为四位数字，例如2026。"), code="year") from None
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year + 1:
        raise ValidationError(_("年度应在2000至%(max)s之间。") % {"max": this_year + 1}, code="year")
    if kind not in CostKind.values:
        raise ValidationError(_("请选择费用类别。"), code="kind")
    amount = _amount(amount, what=_("金额"))
    note = _text(note, what=_("说明"), max_length=200)
    with transaction.atomic():
        case = _lock(case)
        _check(actor, case)
        register = _locked_register(case)
        cost = RunningCost.objects.create(
            register=register, year=year, kind=kind, amount=amount, note=note, recorded_by=_actor(actor)
        )
        audit.cost_recorded(cost=cost, actor=actor)
    return cost


def costs_publish(*, case: Case, actor, year: int) -> int:
    """Publish a year's running costs to the unit's owners (their portal shows each flat's
    amount). Returns how many were published; none left is a refusal."""
    with transaction.atomic():
        case = _lock(case)
        _check(actor, case)
        register = _locked_register(case)
        count = register.costs.filter(year=year, published_at__isnull=True).update(published_at=timezone.now())
        if not count:
            raise ValidationError(_("%(year)s年没有待公布的运行费用。") % {"year": year}, code="nothing")
        audit.costs_published(register=register, year=year, count=count, actor=actor)
    return count


# --- the using unit's accounts ---------------------------------------------------------------


def using_unit_member_add(*, case: Case, actor, username: str) -> UsingUnitMember:
    """Tie a using unit's account (role 使用单位, no jurisdiction: a system administrator
    creates it) to this case's register, by its user name as the company gives it to the
    office. Any other account, or none by that name, gets the same refusal (the office
    cannot learn about other accounts this way)."""
    username = _text(username, what=_("使用单位账号"), max_length=150, required=True)
    with transaction.atomic():
        case = _lock(case)
        _check(actor, case)
        register = _locked_register(case)
        if register.using_unit_kind == UsingUnitKind.OWNERS:
            raise ValidationError(
                _("本电梯由业主自行管理，没有使用单位账号；请先将使用单位类型改为物业服务企业或维保单位。"),
                code="owners_manage",
            )
        user = User.objects.filter(username=username).first()
        if user is None or user.jurisdiction_id is not None or not user.is_staff or not is_using_unit_user(user):
            raise ValidationError(
                _("没有名为“%(name)s”的使用单位账号。使用单位账号由系统管理员建立：角色为“使用单位”，不设所属辖区。")
                % {"name": username},
                code="not_using_unit",
            )
        if UsingUnitMember.objects.filter(register=register, user=user).exists():
            raise ValidationError(_("“%(name)s”已是本电梯的使用单位账号。") % {"name": username}, code="already")
        member = UsingUnitMember.objects.create(register=register, user=user, added_by=_actor(actor))
        audit.member_added(member=member, actor=actor)
    return member


def using_unit_member_remove(*, case: Case, actor, member_id: int) -> None:
    """Untie a using unit's account from this case's register (the company changed, the
    person left): it no longer sees the register nor gets its reminders."""
    with transaction.atomic():
        case = _lock(case)
        _check(actor, case)
        register = _locked_register(case)
        member = (
            UsingUnitMember.objects.select_related("user").filter(register=register, pk=member_id).first()
            if isinstance(member_id, int)
            else None
        )
        if member is None:
            raise ValidationError(_("该使用单位账号不在本电梯的账号中（可能已被移除）。"), code="gone")
        audit.member_removed(member=member, actor=actor)
        member.delete()


# --- reminders ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderResult:
    sent: int
    skipped: int  # already sent for this due date
    unaddressed: int = 0  # no one to mail: tried again on the next run (the pages show it anyway)


def _officer_emails(jurisdiction_id: int) -> list[str]:
    group = SPEC_BY_ROLE[Role.DISTRICT_OFFICER].group_name
    return sorted(
        set(
            User.objects.filter(jurisdiction_id=jurisdiction_id, groups__name=group, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def reminders_send(*, today: datetime.date | None = None) -> ReminderResult:
    """Mail every warning due today to the using unit's contact and its accounts' e-mails
    (UsingUnitMember) and to the district's housing officers: once per (what, record, due
    date), whatever the number of runs, in one mail to all of them. Each warning is its own
    transaction: its row, its audit event, and its mail after commit."""
    today = today or timezone.localdate()
    sent = skipped = unaddressed = 0
    officers: dict[int, list[str]] = {}
    members = selectors.member_emails_by_register()
    calendar = load_calendar()
    for register in selectors.registers_for_reminders():
        for warning in selectors.register_warnings(register, today=today, calendar=calendar):
            case = register.case
            if case.jurisdiction_id not in officers:
                officers[case.jurisdiction_id] = _officer_emails(case.jurisdiction_id)
            recipients = sorted(
                {
                    *officers[case.jurisdiction_id],
                    *([register.contact_email] if register.contact_email else []),
                    *members.get(register.pk, []),
                }
            )
            if not recipients:
                unaddressed += 1
                continue
            text = selectors.warning_text(warning)
            once = {"register": register, "what": warning.key, "object_id": warning.due.object_id}
            if ReminderSent.objects.filter(**once, due_on=warning.due.due_on).exists():
                skipped += 1
                continue
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(
                        register=register,
                        what=warning.key,
                        object_id=warning.due.object_id,
                        due_on=warning.due.due_on,
                        recipients=", ".join(recipients)[:500],
                    )
                    audit.reminder_sent(
                        register=register, what=warning.key, due_on=warning.due.due_on, recipients=recipients
                    )
                    subject = _("【电梯到期提醒】%(case)s %(unit)s") % {"case": case.number, "unit": case.unit}
                    body = "\n".join(
                        [
                            f"{case.number} {case.unit}",
                            text,
                            _("到期日：%(on)s") % {"on": format_day(warning.due.due_on)},
                        ]
                    )
                    transaction.on_commit(
                        lambda s=subject, b=body, r=recipients: mail.send_mail(
                            s, b, settings.DEFAULT_FROM_EMAIL, r, fail_silently=False
                        )
                    )
            except IntegrityError:
                skipped += 1  # already sent for this due date
            else:
                sent += 1
    return ReminderResult(sent=sent, skipped=skipped, unaddressed=unaddressed)
