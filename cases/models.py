"""Buildings, elevator units, flats, owners and cases.

Models hold data, constraints and small derived properties; every write goes through
`cases.services`. Rules the database can hold are database constraints.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from . import validators
from .workflow import FIRST_STEP, LAST_STEP, PROCEDURE_BY_NUMBER, STEP_CHOICES


class Jurisdiction(models.Model):
    """One of the 13 offices that receive applications (县市区及两个管委会)."""

    code = models.CharField("简码", max_length=4, unique=True, help_text="用于案件编号，如 FZ")
    name = models.CharField("名称", max_length=32, unique=True)
    housing_office = models.CharField("受理部门", max_length=64, help_text="公示书落款单位")
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    notice_days = models.PositiveSmallIntegerField(
        "公示期（日历日）", default=10, help_text="[惯例] 默认10日，可按辖区调整"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "辖区"
        verbose_name_plural = "辖区"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A portal user. Staff belong to one jurisdiction; the city supervisor to none (all)."""

    full_name = models.CharField("姓名", max_length=64, blank=True)
    phone = models.CharField("手机号码", max_length=11, blank=True, validators=[validators.validate_mobile])
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="所属辖区",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="市级用户留空",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.get_full_name()

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username


class Building(models.Model):
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="buildings")
    compound_name = models.CharField("小区名称", max_length=100)
    address = models.CharField("楼栋地址", max_length=200, help_text="如：丰泽区东湖街道刺桐花园1幢")
    year_built = models.PositiveSmallIntegerField("建成年份", null=True, blank=True)
    floors = models.PositiveSmallIntegerField("地上层数")
    has_reserved_shaft = models.BooleanField("已预留电梯井", default=False, help_text="未预留的须办理规划审查")
    in_heritage_area = models.BooleanField(
        "位于文化遗产保护范围", default=False, help_text="文化遗产、不可移动文物、历史建筑、传统风貌建筑保护区"
    )
    in_demolition_plan = models.BooleanField("列入五年内拆迁改造计划", default=False)
    land_inside_plot = models.BooleanField("电梯用地在小区或住宅用地范围内", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "楼栋"
        verbose_name_plural = "楼栋"
        ordering = ["jurisdiction__sort_order", "address"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "address"], name="building_address_unique_in_jurisdiction"),
            models.CheckConstraint(condition=Q(floors__gte=2) & Q(floors__lte=60), name="building_floors_2_to_60"),
            models.CheckConstraint(
                condition=Q(year_built__isnull=True) | (Q(year_built__gte=1900) & Q(year_built__lte=2100)),
                name="building_year_built_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.address


class ElevatorUnit(models.Model):
    """梯号：the flats served by one new elevator; each unit is its own case."""

    building = models.ForeignKey(Building, verbose_name="楼栋", on_delete=models.PROTECT, related_name="units")
    name = models.CharField("梯号/单元", max_length=32, help_text="如：1单元")

    class Meta:
        verbose_name = "梯号（单元）"
        verbose_name_plural = "梯号（单元）"
        ordering = ["building__address", "name"]
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="unit_name_unique_in_building")]

    def __str__(self) -> str:
        return f"{self.building.address}{self.name}"


class AreaSource(models.TextChoices):
    # SPC interpretation art. 8: register first, then survey, then sale contract.
    REGISTER = "register", "登记"
    SURVEY = "survey", "实测"
    CONTRACT = "contract", "合同"


class Flat(models.Model):
    unit = models.ForeignKey(ElevatorUnit, verbose_name="梯号", on_delete=models.PROTECT, related_name="flats")
    room = models.CharField("房号", max_length=16)
    floor = models.SmallIntegerField("楼层")
    area = models.DecimalField("专有部分面积（㎡）", max_digits=9, decimal_places=2)
    area_source = models.CharField("面积来源", max_length=16, choices=AreaSource.choices, default=AreaSource.REGISTER)
    certificate_no = models.CharField("不动产权证号", max_length=64, blank=True)
    developer_held = models.BooleanField("开发商持有", default=False, help_text="未售出或已售未交付")

    class Meta:
        verbose_name = "房屋"
        verbose_name_plural = "房屋"
        ordering = ["unit", "floor", "room"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "room"], name="flat_room_unique_in_unit"),
            models.CheckConstraint(condition=Q(area__gt=Decimal("0")), name="flat_area_positive"),
            models.CheckConstraint(condition=Q(floor__gte=1), name="flat_floor_positive"),
            models.CheckConstraint(condition=Q(area_source__in=AreaSource.values), name="flat_area_source_known"),
        ]

    def __str__(self) -> str:
        return f"{self.room}室"


class Owner(models.Model):
    """A person (ID number) or an organisation such as the developer (credit code)."""

    name = models.CharField("姓名/名称", max_length=100)
    id_number = models.CharField(
        "证件号码", max_length=18, unique=True, validators=[validators.validate_owner_identity]
    )
    phone = models.CharField("手机号码", max_length=11, blank=True, validators=[validators.validate_mobile])
    flats = models.ManyToManyField(Flat, through="Ownership", related_name="owners", verbose_name="房屋")

    class Meta:
        verbose_name = "业主"
        verbose_name_plural = "业主"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_organisation(self) -> bool:
        return validators.is_valid_credit_code(self.id_number)

    @property
    def masked_id_number(self) -> str:
        return validators.mask_identity(self.id_number)

    @property
    def masked_phone(self) -> str:
        return validators.mask_mobile(self.phone)


class Ownership(models.Model):
    """Links flats and owners: a flat may have co-owners, an owner several flats."""

    flat = models.ForeignKey(Flat, verbose_name="房屋", on_delete=models.CASCADE, related_name="ownerships")
    owner = models.ForeignKey(Owner, verbose_name="业主", on_delete=models.PROTECT, related_name="ownerships")

    class Meta:
        verbose_name = "产权关系"
        verbose_name_plural = "产权关系"
        constraints = [models.UniqueConstraint(fields=["flat", "owner"], name="ownership_unique")]

    def __str__(self) -> str:
        return f"{self.owner} — {self.flat}"


class AgentBuilder(models.Model):
    """代建单位：a company the owners entrust to carry out the work."""

    name = models.CharField("单位名称", max_length=100)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validators.validate_credit_code]
    )
    contact_name = models.CharField("联系人", max_length=64, blank=True)
    contact_phone = models.CharField("联系电话", max_length=11, blank=True, validators=[validators.validate_mobile])

    class Meta:
        verbose_name = "代建单位"
        verbose_name_plural = "代建单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    OPEN = "open", "办理中"
    COMPLETED = "completed", "已办结"
    REJECTED = "rejected", "不予通过"
    WITHDRAWN = "withdrawn", "已撤回"


class Case(models.Model):
    """One elevator unit's application. The construction unit (建设单位) is its owners."""

    number = models.CharField("案件编号", max_length=20, unique=True, editable=False)
    # Copied from the building when the case opens: every scope filter reads it.
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="cases", editable=False
    )
    unit = models.ForeignKey(ElevatorUnit, verbose_name="梯号", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(
        "状态", max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN, editable=False
    )
    current_step = models.PositiveSmallIntegerField(
        "当前程序", choices=STEP_CHOICES, default=FIRST_STEP, editable=False
    )
    representatives = models.ManyToManyField(
        Owner, verbose_name="业主代表", related_name="represented_cases", blank=True
    )
    agent_builder = models.ForeignKey(
        AgentBuilder, verbose_name="代建单位", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    stretcher_capable = models.BooleanField("可容纳担架电梯", default=False)
    scheme_summary = models.TextField("方案概述", blank=True)
    budget = models.DecimalField("工程预算（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    opened_at = models.DateTimeField("立案时间", auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="立案人", on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    closed_at = models.DateTimeField("结案时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        ordering = ["-opened_at"]
        constraints = [
            # 成熟一梯增设一梯: one active case per elevator unit.
            models.UniqueConstraint(fields=["unit"], condition=Q(status="open"), name="one_open_case_per_unit"),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0), name="case_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(current_step__gte=FIRST_STEP) & Q(current_step__lte=LAST_STEP), name="case_step_in_range"
            ),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_known"),
        ]
        indexes = [models.Index(fields=["jurisdiction", "status", "current_step"])]

    def __str__(self) -> str:
        return self.number

    @property
    def procedure(self):
        return PROCEDURE_BY_NUMBER[self.current_step]

    @property
    def needs_heritage_opinion(self) -> bool:
        return self.unit.building.in_heritage_area


class CaseSequence(models.Model):
    """The last number issued per jurisdiction and year; the row is the lock."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year"], name="case_sequence_unique")]


class AuditEvent(models.Model):
    """Append-only log of named events; read-only in the admin, for superusers too."""

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    event = models.CharField("事件", max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, null=True, related_name="audit_events")
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    message = models.CharField("说明", max_length=500)
    data = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.message}"
