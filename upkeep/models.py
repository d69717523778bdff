"""After the elevator runs (issue 14): the register of one completed case's elevator.

- `Register`: the using unit (使用单位) and its safety administrator, the elevator itself,
  its first use and its use registration with market supervision (使用登记证).
- `MaintenanceContract`: the written maintenance contract; a new one replaces the current
  one, which stays as history (`replaced_on`).
- `Inspection`: each periodic inspection (定期检验) with its certificate and the date the
  certificate runs out (the next inspection is requested one month before: `rules`).
- `MaintenanceVisit`: a maintenance visit (维护保养记录) with its signed record scan.
- `RunningCost`: a year's running cost (electricity, maintenance, inspection, repairs),
  shared among the flats by the agreement's coefficients; published to the owners.
- `UsingUnitMember`: a staff account of the using unit (role 使用单位) tied by the office to
  a register it manages: its people see that register, its warnings and record visits and
  inspections (upkeep/permissions.py).
- `ReminderSent`: one row per warning mailed, unique per (what, record, due date), which
  makes `send_reminders` idempotent.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Owner


class UsingUnitKind(models.TextChoices):
    # TSG 08: the party the owners entrust; failing that, the owners with one named responsible.
    PROPERTY = "property", _("物业服务企业")
    MAINTENANCE = "maintenance", _("维保单位或其他专业公司")
    OWNERS = "owners", _("业主自行管理（指定一名业主负责）")


class Register(models.Model):
    """电梯使用管理档案: one per case, kept once the case is completed."""

    case = models.OneToOneField(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="upkeep")
    # 使用单位
    using_unit_kind = models.CharField(
        _("使用单位类型"), max_length=16, choices=UsingUnitKind.choices, default=UsingUnitKind.PROPERTY
    )
    using_unit_name = models.CharField(_("使用单位名称"), max_length=100, blank=True)
    responsible_owner = models.ForeignKey(
        Owner, verbose_name=_("负责业主"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    safety_admin_name = models.CharField(_("安全管理员"), max_length=40, blank=True)
    safety_admin_certificate = models.CharField(_("安全管理员证书编号"), max_length=40, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    contact_email = models.EmailField(_("提醒邮箱"), max_length=120, blank=True)
    # 电梯
    maker = models.CharField(_("制造单位"), max_length=100, blank=True)
    model = models.CharField(_("型号"), max_length=60, blank=True)
    rated_load_kg = models.PositiveIntegerField(_("额定载重量（kg）"), null=True, blank=True)
    rated_speed = models.DecimalField(_("额定速度（m/s）"), max_digits=4, decimal_places=2, null=True, blank=True)
    stops = models.PositiveSmallIntegerField(_("层站数"), null=True, blank=True)
    factory_number = models.CharField(_("出厂编号"), max_length=40, blank=True)
    rescue_code = models.CharField(
        _("96196应急救援识别码"), max_length=12, blank=True, help_text=_("电梯使用标志上的应急救援识别码")
    )
    installer = models.CharField(_("安装单位"), max_length=100, blank=True)
    # 首次使用与使用登记
    first_used_on = models.DateField(_("首次投入使用日期"), null=True, blank=True)
    registered_on = models.DateField(_("使用登记日期"), null=True, blank=True)
    registration_certificate = models.CharField(_("使用登记证编号"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("电梯使用管理档案")
        verbose_name_plural = _("电梯使用管理档案")
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_on__isnull=True) | ~Q(registration_certificate=""),
                name="upkeep_registration_has_certificate",
            ),
            models.CheckConstraint(condition=Q(using_unit_kind__in=UsingUnitKind.values), name="upkeep_kind_known"),
        ]

    def __str__(self) -> str:
        return str(_("%(case)s 电梯档案") % {"case": self.case.number})


class MaintenanceContract(models.Model):
    """维护保养合同. The current one has no `replaced_on`; one current per register."""

    register = models.ForeignKey(Register, verbose_name=_("档案"), on_delete=models.PROTECT, related_name="contracts")
    company = models.CharField(_("维保单位"), max_length=100)
    licence_number = models.CharField(_("许可证编号"), max_length=40)
    starts_on = models.DateField(_("合同起始日期"))
    ends_on = models.DateField(_("合同终止日期"))
    price = models.DecimalField(_("合同价款（元/年）"), max_digits=10, decimal_places=2)
    interval_days = models.PositiveSmallIntegerField(_("保养周期（天）"), default=15)
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    replaced_on = models.DateField(_("被替换日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("维护保养合同")
        verbose_name_plural = _("维护保养合同")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["register"], condition=Q(replaced_on__isnull=True), name="upkeep_one_current_contract"
            ),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="upkeep_contract_ends_after"),
            models.CheckConstraint(condition=Q(price__gte=0), name="upkeep_contract_price_not_negative"),
            models.CheckConstraint(
                condition=Q(interval_days__gte=1, interval_days__lte=15), name="upkeep_contract_interval_at_most_15"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.starts_on:%Y-%m-%d}—{self.ends_on:%Y-%m-%d}"


class InspectionResult(models.TextChoices):
    PASSED = "passed", _("合格")
    PASSED_AFTER_RECTIFICATION = "rectified", _("复检合格")
    FAILED = "failed", _("不合格")


class Inspection(models.Model):
    """定期检验: the latest by date is the one in force."""

    register = models.ForeignKey(Register, verbose_name=_("档案"), on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField(_("检验日期"))
    result = models.CharField(_("检验结论"), max_length=12, choices=InspectionResult.choices)
    certificate_number = models.CharField(_("检验报告编号"), max_length=40)
    valid_until = models.DateField(_("下次检验日期（有效期至）"))
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("定期检验")
        verbose_name_plural = _("定期检验")
        ordering = ["-inspected_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("inspected_on")), name="upkeep_inspection_valid_after"
            ),
            models.CheckConstraint(condition=Q(result__in=InspectionResult.values), name="upkeep_result_known"),
        ]

    def __str__(self) -> str:
        return f"{self.inspected_on:%Y-%m-%d} {self.certificate_number}"


def visit_scan_path(instance: "MaintenanceVisit", filename: str) -> str:
    # Private storage; the name never includes anything a user typed.
    ext = {"application/pdf": "pdf", "image/png": "png"}.get(instance.scan_type, "jpg")
    return f"upkeep/{instance.register.case.number}/visit-{instance.scan_sha256[:16]}.{ext}"


class MaintenanceVisit(models.Model):
    """维护保养记录: a visit, who did it, what was done, the signed record's scan."""

    register = models.ForeignKey(Register, verbose_name=_("档案"), on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("保养日期"))
    done_by = models.CharField(_("保养人员"), max_length=64)
    work = models.TextField(_("保养内容"), max_length=2000)
    scan = models.FileField(_("签字记录扫描件"), upload_to=visit_scan_path, max_length=200, blank=True)
    scan_type = models.CharField(_("类型"), max_length=32, blank=True)
    scan_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("维护保养记录")
        verbose_name_plural = _("维护保养记录")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.done_by}"


class CostKind(models.TextChoices):
    ELECTRICITY = "electricity", _("电费")
    MAINTENANCE = "maintenance", _("维护保养费")
    INSPECTION = "inspection", _("检验费")
    REPAIR = "repair", _("维修费")


class RunningCost(models.Model):
    """One year's running cost of one kind; split among the flats when shown."""

    register = models.ForeignKey(Register, verbose_name=_("档案"), on_delete=models.PROTECT, related_name="costs")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("费用类别"), max_length=12, choices=CostKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("运行费用")
        verbose_name_plural = _("运行费用")
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="upkeep_cost_positive"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="upkeep_cost_year_sane"),
            models.CheckConstraint(condition=Q(kind__in=CostKind.values), name="upkeep_cost_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.amount}"


class UsingUnitMember(models.Model):
    """An account of the using unit that manages this register (我管理的电梯). Recorded by the
    district office of the case; one row per (register, account)."""

    register = models.ForeignKey(Register, verbose_name=_("档案"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("使用单位账号"), on_delete=models.CASCADE, related_name="+"
    )
    added_at = models.DateTimeField(_("添加时间"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("添加人"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("使用单位账号")
        verbose_name_plural = _("使用单位账号")
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["register", "user"], name="upkeep_member_once")]

    def __str__(self) -> str:
        return f"{self.register_id} {self.user_id}"


class ReminderSent(models.Model):
    """A warning mailed: once per (what, record, due date)."""

    register = models.ForeignKey(Register, verbose_name=_("档案"), on_delete=models.CASCADE, related_name="+")
    what = models.CharField(_("提醒事项"), max_length=32)
    object_id = models.PositiveBigIntegerField(_("记录"), default=0)
    due_on = models.DateField(_("到期日"))
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    recipients = models.CharField(_("收件人"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("已发送提醒")
        verbose_name_plural = _("已发送提醒")
        constraints = [
            models.UniqueConstraint(fields=["what", "register", "object_id", "due_on"], name="upkeep_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.what} {self.due_on:%Y-%m-%d}"
