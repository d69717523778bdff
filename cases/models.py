"""Buildings, elevator units, flats, owners and cases.

Models hold data, constraints and small derived properties; every write goes through
`cases.services`. Rules the database can hold are database constraints.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import masking, validators
from .workflow import (
    FIRST_STEP,
    LAST_STEP,
    PROCEDURE_BY_NUMBER,
    STEP_CHOICES,
    TRANSITION_BY_NAME,
    Department,
    StepState,
)


class Jurisdiction(models.Model):
    """One of the 13 offices that receive applications (县市区及两个管委会)."""

    code = models.CharField(_("简码"), max_length=4, unique=True, help_text=_("用于案件编号，如 FZ"))
    name = models.CharField(_("名称"), max_length=32, unique=True)
    housing_office = models.CharField(_("受理部门"), max_length=64, help_text=_("公示书落款单位"))
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    office_address = models.CharField(
        _("受理窗口地址"), max_length=200, blank=True, help_text=_("公示书写明的异议递交地点")
    )
    notice_days = models.PositiveSmallIntegerField(
        _("公示期（日历日）"), default=10, help_text=_("[惯例] 默认10日，可按辖区调整")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("辖区")
        verbose_name_plural = _("辖区")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A portal user. Staff belong to one jurisdiction; the city supervisor to none (all)."""

    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True, validators=[validators.validate_mobile])
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("所属辖区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("市级用户留空"),
    )
    # An applicant account acts for the cases of its agent builder or of the owner it is.
    agent_builder = models.ForeignKey(
        "AgentBuilder",
        verbose_name=_("代建单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("代建单位账号填写"),
    )
    owner = models.ForeignKey(
        "Owner",
        verbose_name=_("业主"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("业主或业主代表账号填写"),
    )
    # An owner's portal account (owners app) stands for one identity city-wide: the owner
    # of flats in two districts signs in once. Staff and applicant accounts leave it empty.
    person = models.OneToOneField(
        "Person",
        verbose_name=_("业主身份"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
        editable=False,
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.get_full_name()

    def __str__(self) -> str:
        if not self.full_name:
            return self.username
        return gettext("%(name)s（%(username)s）") % {"name": self.full_name, "username": self.username}


class Building(models.Model):
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="buildings"
    )
    compound_name = models.CharField(_("小区名称"), max_length=100)
    address = models.CharField(_("楼栋地址"), max_length=200, help_text=_("如：丰泽区东湖街道刺桐花园1幢"))
    year_built = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("地上层数"))
    has_reserved_shaft = models.BooleanField(_("已预留电梯井"), default=False, help_text=_("未预留的须办理规划审查"))
    in_heritage_area = models.BooleanField(
        _("位于文化遗产保护范围"), default=False, help_text=_("文化遗产、不可移动文物、历史建筑、传统风貌建筑保护区")
    )
    in_demolition_plan = models.BooleanField(_("列入五年内拆迁改造计划"), default=False)
    land_inside_plot = models.BooleanField(_("电梯用地在小区或住宅用地范围内"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
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

    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("梯号/单元"), max_length=32, help_text=_("如：1单元"))

    class Meta:
        verbose_name = _("梯号（单元）")
        verbose_name_plural = _("梯号（单元）")
        ordering = ["building__address", "name"]
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="unit_name_unique_in_building")]

    def __str__(self) -> str:
        return f"{self.building.address}{self.name}"


class AreaSource(models.TextChoices):
    # SPC interpretation art. 8: register first, then survey, then sale contract.
    REGISTER = "register", _("登记")
    SURVEY = "survey", _("实测")
    CONTRACT = "contract", _("合同")


class Flat(models.Model):
    unit = models.ForeignKey(ElevatorUnit, verbose_name=_("梯号"), on_delete=models.PROTECT, related_name="flats")
    room = models.CharField(_("房号"), max_length=16)
    floor = models.SmallIntegerField(_("楼层"))
    area = models.DecimalField(_("专有部分面积（㎡）"), max_digits=9, decimal_places=2)
    area_source = models.CharField(
        _("面积来源"), max_length=16, choices=AreaSource.choices, default=AreaSource.REGISTER
    )
    certificate_no = models.CharField(_("不动产权证号"), max_length=64, blank=True)
    developer_held = models.BooleanField(_("开发商持有"), default=False, help_text=_("未售出或已售未交付"))

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        ordering = ["unit", "floor", "room"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "room"], name="flat_room_unique_in_unit"),
            models.CheckConstraint(condition=Q(area__gt=Decimal("0")), name="flat_area_positive"),
            models.CheckConstraint(condition=Q(floor__gte=1), name="flat_floor_positive"),
            models.CheckConstraint(condition=Q(area_source__in=AreaSource.values), name="flat_area_source_known"),
        ]

    def __str__(self) -> str:
        return gettext("%(room)s室") % {"room": self.room}


class Person(models.Model):
    """One natural or legal person (自然人/法人), city-wide, by ID number or credit code.

    Why two tables (decided for the cross-district hole of issue 9): a person who owns flats
    in two districts is one person, and the owner portal gives them one account; but what
    each office records about them (the name as registered for the flat, the phone, their
    papers) is that office's own record (`Owner`, `AgentBuilder`), which no other office
    reads, changes or learns exists. This row holds nothing an office recorded: only the
    number that ties the offices' records to one identity. It is not in the admin and no
    screen lists it.
    """

    id_number = models.CharField(_("证件号码"), max_length=18, unique=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("身份")
        verbose_name_plural = _("身份")

    def __str__(self) -> str:
        return masking.mask_id_number(self.id_number)


class OwnerKind(models.TextChoices):
    """Whether an owner signs (a person) or seals (an organisation, such as the developer).

    Recorded on the owner, never read from the shape of the number: an 18-digit resident ID
    number can also pass the credit code's MOD 31 check (about one in 31 do), and such a
    person must not be asked to seal their signature (see `owner_kind_for`)."""

    PERSON = "person", _("个人")
    ORGANISATION = "organisation", _("单位")


def owner_kind_for(id_number: str, *, developer: bool = False) -> str:
    """The kind of a new owner record: a valid resident ID number (GB 11643) is a person,
    unless the roster names them as the developer (开发商持有) and the number is also a
    valid credit code; a number that is only a credit code is an organisation."""
    is_id, is_code = validators.is_valid_id_number(id_number), validators.is_valid_credit_code(id_number)
    if is_code and (developer or not is_id):
        return OwnerKind.ORGANISATION
    return OwnerKind.PERSON


class Owner(models.Model):
    """One office's record of an owner: a person (ID number) or an organisation such as the
    developer (credit code), as that jurisdiction registered them. One row per jurisdiction
    and ID number; the same person in another district is another office's row, linked
    through `person`."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("登记辖区"), on_delete=models.PROTECT, related_name="owners"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("身份"), on_delete=models.PROTECT, related_name="owner_records", editable=False
    )
    name = models.CharField(_("姓名/名称"), max_length=100)
    id_number = models.CharField(_("证件号码"), max_length=18, validators=[validators.validate_owner_identity])
    kind = models.CharField(
        _("业主类型"),
        max_length=16,
        choices=OwnerKind.choices,
        default=OwnerKind.PERSON,
        help_text=_("个人填身份证号码，在协议书上签名并按手印；单位（如开发建设单位）填统一社会信用代码，盖章。"),
    )
    phone = models.CharField(_("手机号码"), max_length=11, blank=True, validators=[validators.validate_mobile])
    flats = models.ManyToManyField(Flat, through="Ownership", related_name="owners", verbose_name=_("房屋"))

    class Meta:
        verbose_name = _("业主")
        verbose_name_plural = _("业主")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "id_number"],
                name="owner_id_number_unique_in_jurisdiction",
                violation_error_message=_("本辖区已登记该证件号码的业主，请在业主列表中查找并修改该记录。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The kind decides what the agreement asks of the owner (a signature or a seal), so
        # the number must be the kind's own: a person's ID number, an organisation's code.
        super().clean()
        number = validators.normalize_id(self.id_number)
        if not number:
            return
        if self.kind == OwnerKind.PERSON and not validators.is_valid_id_number(number):
            if validators.is_valid_credit_code(number):
                raise ValidationError(
                    {
                        "kind": gettext(
                            "证件号码“%(value)s”是统一社会信用代码，不是身份证号码：单位业主请将业主类型选为“单位”。"
                        )
                        % {"value": number}
                    },
                    code="owner_kind_mismatch",
                )
        elif self.kind == OwnerKind.ORGANISATION and not validators.is_valid_credit_code(number):
            raise ValidationError(
                {
                    "kind": gettext(
                        "证件号码“%(value)s”不是有效的统一社会信用代码（GB 32100）：个人业主请将业主类型选为“个人”。"
                    )
                    % {"value": number}
                },
                code="owner_kind_mismatch",
            )

    @property
    def is_organisation(self) -> bool:
        return self.kind == OwnerKind.ORGANISATION

    @property
    def masked_id_number(self) -> str:
        return masking.mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return masking.mask_mobile(self.phone)


class Ownership(models.Model):
    """Links flats and owners: a flat may have co-owners, an owner several flats."""

    flat = models.ForeignKey(Flat, verbose_name=_("房屋"), on_delete=models.CASCADE, related_name="ownerships")
    owner = models.ForeignKey(Owner, verbose_name=_("业主"), on_delete=models.PROTECT, related_name="ownerships")

    class Meta:
        verbose_name = _("产权关系")
        verbose_name_plural = _("产权关系")
        constraints = [models.UniqueConstraint(fields=["flat", "owner"], name="ownership_unique")]

    def __str__(self) -> str:
        return f"{self.owner} — {self.flat}"

    def clean(self) -> None:
        # An office links its own owner records to its own flats; an owner of flats in two
        # districts has a record in each (see Person).
        if self.flat_id and self.owner_id and self.flat.unit.building.jurisdiction_id != self.owner.jurisdiction_id:
            raise ValidationError(
                gettext("业主记录属于%(owner_office)s，房屋属于%(flat_office)s：请在房屋所在辖区登记该业主。")
                % {"owner_office": self.owner.jurisdiction, "flat_office": self.flat.unit.building.jurisdiction},
                code="ownership_across_jurisdictions",
            )


class AgentBuilder(models.Model):
    """代建单位：a company the owners entrust to carry out the work, as one office registered it.

    The same decision as for owners: one row per jurisdiction and credit code, so an office
    edits only its own record of the company (contacts differ per office, and no office may
    change what another office's cases name); `person` ties the rows to one company. A
    company's login acts for the cases of the record it is linked to."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("登记辖区"), on_delete=models.PROTECT, related_name="agent_builders"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("身份"), on_delete=models.PROTECT, related_name="agent_builder_records", editable=False
    )
    name = models.CharField(_("单位名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, validators=[validators.validate_credit_code])
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=11, blank=True, validators=[validators.validate_mobile])

    class Meta:
        verbose_name = _("代建单位")
        verbose_name_plural = _("代建单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "credit_code"],
                name="agent_builder_credit_code_unique_in_jurisdiction",
                violation_error_message=_("本辖区已登记该统一社会信用代码的代建单位，请在列表中查找并修改该记录。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    COMPLETED = "completed", _("已办结")
    REJECTED = "rejected", _("不予通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Case(models.Model):
    """One elevator unit's application. The construction unit (建设单位) is its owners."""

    number = models.CharField(_("案件编号"), max_length=20, unique=True, editable=False)
    # Copied from the building when the case opens: every scope filter reads it.
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="cases", editable=False
    )
    unit = models.ForeignKey(ElevatorUnit, verbose_name=_("梯号"), on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(
        _("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN, editable=False
    )
    current_step = models.PositiveSmallIntegerField(
        _("当前程序"), choices=STEP_CHOICES, default=FIRST_STEP, editable=False
    )
    representatives = models.ManyToManyField(
        Owner, verbose_name=_("业主代表"), related_name="represented_cases", blank=True
    )
    agent_builder = models.ForeignKey(
        AgentBuilder, verbose_name=_("代建单位"), on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    stretcher_capable = models.BooleanField(_("可容纳担架电梯"), default=False)
    scheme_summary = models.TextField(_("方案概述"), blank=True)
    budget = models.DecimalField(_("工程预算（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    design_firm = models.CharField(_("设计单位"), max_length=100, blank=True)
    installer = models.CharField(_("电梯安装单位"), max_length=100, blank=True)
    opened_at = models.DateTimeField(_("立案时间"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("立案人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        # Newest first, ties broken by id so that pages never repeat or skip a case; the
        # two indexes below serve this order whole and per office (the list's LIMIT reads
        # 50 index entries instead of sorting every case).
        ordering = ["-opened_at", "-id"]
        constraints = [
            # 成熟一梯增设一梯: one active case per elevator unit.
            models.UniqueConstraint(fields=["unit"], condition=Q(status="open"), name="one_open_case_per_unit"),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="case_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(current_step__gte=FIRST_STEP) & Q(current_step__lte=LAST_STEP), name="case_step_in_range"
            ),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_known"),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "status", "current_step"]),
            models.Index(fields=["-opened_at", "-id"], name="case_newest"),
            models.Index(fields=["jurisdiction", "-opened_at", "-id"], name="case_by_office_newest"),
            # The city-wide list filtered by step: the newest cases are mostly at the first
            # steps, so walking `case_newest` for step 2 read thousands of rows for 50.
            models.Index(fields=["current_step", "-opened_at", "-id"], name="case_by_step_newest"),
            # The list filtered by status (办理中 most of all): its page newest first, and its
            # count from the index alone.
            models.Index(fields=["status", "-opened_at", "-id"], name="case_by_status_newest"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def procedure(self):
        return PROCEDURE_BY_NUMBER[self.current_step]

    @property
    def needs_heritage_opinion(self) -> bool:
        return self.unit.building.in_heritage_area


class CaseSearch(models.Model):
    """What the case list's search reads: the case number, the unit's address as the list
    shows it (building address and unit name), the compound and the owners' names, in one
    lower-cased text. Kept current by `cases.services.case_search_refresh` whenever one of
    them changes.

    Its own table, not a column of the case: the roster import changes owners while it
    holds the unit and the flats, and the case row comes before those in the lock order
    (docs/locking.md); this row is locked by nothing else. On PostgreSQL a GIN index over
    the text's two-character pieces (`case_search_grams`, migration 0011) finds a term of
    two characters or more (刺桐, 洪美) without reading every row; SQLite reads every row
    (the embedded default is for one office's data)."""

    case = models.OneToOneField(
        "Case", verbose_name=_("案件"), on_delete=models.CASCADE, primary_key=True, related_name="search"
    )
    text = models.TextField(_("检索文本"))

    class Meta:
        verbose_name = _("案件检索文本")
        verbose_name_plural = _("案件检索文本")

    def __str__(self) -> str:
        return self.text[:50]


class ProcedureStep(models.Model):
    """One of the eight procedures of one case. `state` moves only through the services,
    along `cases.workflow.TRANSITIONS`; every move appends a StepHistory row."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="steps")
    number = models.PositiveSmallIntegerField(_("程序"), choices=STEP_CHOICES)
    department = models.CharField(_("办理部门"), max_length=16, choices=[(d.value, d.label) for d in Department])
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=[(s.value, s.label) for s in StepState],
        default=StepState.NOT_STARTED,
        editable=False,
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("申报时间"), null=True, blank=True, editable=False)
    due_date = models.DateField(_("办理时限"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decision_note = models.TextField(_("审查意见"), blank=True, editable=False)
    # Step 2 (公示见证): the notice period; approval waits until it has ended.
    notice_start = models.DateField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateField(_("公示结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("办理程序")
        verbose_name_plural = _("办理程序")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="step_unique_per_case"),
            models.CheckConstraint(condition=Q(state__in=[s.value for s in StepState]), name="step_state_known"),
            models.CheckConstraint(
                condition=Q(notice_start__isnull=True)
                | Q(notice_end__isnull=True)
                | Q(notice_end__gte=F("notice_start")),
                name="step_notice_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "department"]),
            # My queue: the submitted steps, oldest first (a small index: only those waiting).
            models.Index(fields=["submitted_at", "id"], condition=Q(state="submitted"), name="step_submitted_oldest"),
            # An applicant's queue: their cases' steps waiting for them (a small index too).
            models.Index(
                fields=["case"], condition=Q(state__in=["in_progress", "returned"]), name="step_waiting_for_applicant"
            ),
            # The case list sorted or filtered by due date (issue 16): the running deadlines
            # in their order, without reading every case.
            models.Index(fields=["due_date", "case"], condition=Q(state="submitted"), name="step_submitted_by_due"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.procedure.name}"

    @property
    def procedure(self):
        return PROCEDURE_BY_NUMBER[self.number]

    @property
    def state_enum(self) -> StepState:
        return StepState(self.state)


class StepHistory(models.Model):
    """Append-only: from, to, who, when, why, and how it came in (online or on paper)."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上")
        PAPER = "paper", _("窗口纸质")
        SYSTEM = "system", _("系统")

    step = models.ForeignKey(ProcedureStep, verbose_name=_("程序"), on_delete=models.PROTECT, related_name="history")
    from_state = models.CharField(_("原状态"), max_length=16)
    to_state = models.CharField(_("新状态"), max_length=16)
    transition = models.CharField(_("操作"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.TextField(_("说明"), blank=True)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices, default=Channel.ONLINE)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.step} {self.from_state}→{self.to_state}"

    @property
    def transition_label(self):
        """The move's name as the screens show it (提交申报, 审查通过...), not its code."""
        transition = TRANSITION_BY_NAME.get(self.transition)
        return transition.label if transition is not None else self.transition


class PaperSubmission(models.Model):
    """A submission brought to the office on paper (线下申请): who, when, what; scans attached."""

    step = models.ForeignKey(
        ProcedureStep, verbose_name=_("程序"), on_delete=models.PROTECT, related_name="paper_submissions"
    )
    brought_by = models.CharField(_("递交人"), max_length=64)
    brought_by_phone = models.CharField(
        _("递交人电话"), max_length=11, blank=True, validators=[validators.validate_mobile]
    )
    brought_at = models.DateTimeField(_("递交时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("材料清单/说明"), blank=True)

    class Meta:
        verbose_name = _("窗口收件")
        verbose_name_plural = _("窗口收件")
        ordering = ["-brought_at"]

    def __str__(self) -> str:
        return f"{self.step} {self.brought_by} {self.brought_at:%Y-%m-%d}"


class AttachmentKind(models.TextChoices):
    SCHEME_DRAWING = "scheme_drawing", _("设计方案图")
    OWNERS_AGREEMENT = "owners_agreement", _("业主协议书")
    HERITAGE_OPINION = "heritage_opinion", _("文物/历史建筑主管部门意见")
    PLANNING_PERMIT = "planning_permit", _("规划审查意见")
    DRAWING_REVIEW = "drawing_review", _("施工图审查合格书")
    ACCEPTANCE_RECORD = "acceptance_record", _("竣工验收记录")
    INSPECTION_CERTIFICATE = "inspection_certificate", _("特种设备监督检验证书")
    OTHER = "other", _("其他")


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never uses the uploader's file name: only the case and a random part.
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[instance.content_type]
    return f"attachments/{instance.case.number}/{secrets.token_hex(16)}.{ext}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="attachments")
    step = models.ForeignKey(
        ProcedureStep, verbose_name=_("程序"), on_delete=models.PROTECT, related_name="attachments"
    )
    paper_submission = models.ForeignKey(
        PaperSubmission,
        verbose_name=_("窗口收件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
    )
    kind = models.CharField(_("材料类型"), max_length=32, choices=AttachmentKind.choices)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=32)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["step__number", "uploaded_at"]

    def __str__(self) -> str:
        return gettext("%(kind)s：%(name)s") % {"kind": self.get_kind_display(), "name": self.original_name}


class CaseSequence(models.Model):
    """The last number issued per jurisdiction and year; the row is the lock."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year"], name="case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}-{self.year}: {self.last_value}"


# --- the holiday calendar and the steps' time limits (issue 16 §1) ----------------------------


class HolidayYear(models.Model):
    """A year whose official schedule (国务院办公厅关于部分节假日安排的通知) the portal knows.

    A year without this row is not known: its working days are counted Monday to Friday and
    every due date falling in it is marked 暂定 (provisional) until the year's schedule is
    entered (`cases.calendar.holiday_year_replace`), which recomputes those due dates."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinese-calendar 数据包")
        FILE = "file", _("文件导入")
        ADMIN = "admin", _("后台录入")

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1990) & Q(year__lte=2200), name="holiday_year_in_range")
        ]

    def __str__(self) -> str:
        return gettext("%(year)s年节假日安排") % {"year": self.year}


class HolidayKind(models.TextChoices):
    OFF = "off", _("休")  # a statutory holiday (法定节假日放假)
    WORK = "work", _("班")  # a make-up working day on a weekend (调休上班)


class HolidayDay(models.Model):
    """One date of a known year that is not what its weekday says: a holiday, or a weekend
    day worked (调休). `shift` is what the date does to a count of working days (−1: a
    holiday on a weekday; +1: a weekend worked; 0: a holiday on a weekend), so the working
    days between two dates are the weekdays between them plus the sum of the shifts —
    which the case list reads in its own query (cases.deadlines.shift_sum)."""

    date = models.DateField(_("日期"), primary_key=True)
    year = models.ForeignKey(HolidayYear, verbose_name=_("年份"), on_delete=models.CASCADE, related_name="days")
    kind = models.CharField(_("类型"), max_length=4, choices=HolidayKind.choices)
    name = models.CharField(_("节日"), max_length=32, blank=True)
    shift = models.SmallIntegerField(_("对工作日计数的影响"), editable=False)

    class Meta:
        verbose_name = _("节假日或调休日")
        verbose_name_plural = _("节假日或调休日")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HolidayKind.values), name="holiday_day_kind_known"),
            models.CheckConstraint(condition=Q(shift__gte=-1) & Q(shift__lte=1), name="holiday_day_shift_range"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"


class StepTimeLimit(models.Model):
    """How many working days a jurisdiction's department has to decide a submitted step
    (办理时限). Without a row: `settings.STEP_REVIEW_WORKING_DAYS`. The public notice's own
    length is `Jurisdiction.notice_days` (calendar days); the review after it counts from its
    last day. A change applies to submissions from then on: a due date already given stays."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="step_time_limits"
    )
    number = models.PositiveSmallIntegerField(_("程序"), choices=STEP_CHOICES)
    working_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("办理时限设置")
        verbose_name_plural = _("办理时限设置")
        ordering = ["jurisdiction__sort_order", "jurisdiction__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "number"], name="step_time_limit_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=FIRST_STEP) & Q(number__lte=LAST_STEP), name="step_time_limit_step_in_range"
            ),
            models.CheckConstraint(
                condition=Q(working_days__gte=1) & Q(working_days__lte=60), name="step_time_limit_days_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {PROCEDURE_BY_NUMBER[self.number].name}"
