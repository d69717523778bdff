"""The money of a case: the funding plan, the floor coefficients the owners share the cost
by, and the terms of the owners' agreement.

The tables were created by the cases app and keep their names (`cases_fundingsource`,
`cases_floorcoefficient`, `cases_agreement`): funding/migrations/0001_initial.py moved the
models here in Django's state only, no row moved. The related names on the case
(`case.funding_sources`, `case.floor_coefficients`, `case.agreement`) are as before, so
the documents read them unchanged. Every write goes through `funding.services`.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Case

# The later joiners and the sales (issue 15 §3) keep a module of their own; imported here so
# Django finds them among funding's models.
from .models_accounts import FlatTransfer, LateJoin, LateJoinShare  # noqa: F401


class FundingSourceKind(models.TextChoices):
    OWNERS = "owners", _("业主共同出资")
    PROVIDENT_FUND = "provident_fund", _("提取住房公积金")
    MAINTENANCE_FUND = "maintenance_fund", _("使用住宅专项维修资金")
    OTHER = "other", _("其他资金")


class FundingSource(models.Model):
    """The funding plan: how much comes from each channel the guidance names."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="funding_sources")
    kind = models.CharField(_("资金来源"), max_length=20, choices=FundingSourceKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        db_table = "cases_fundingsource"
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金筹集方案")
        # In the order the guidance lists the channels (the declaration order above), not
        # alphabetically by code: forms and documents print the owners' own money first.
        ordering = [
            "case",
            models.Case(
                *(models.When(kind=kind, then=position) for position, kind in enumerate(FundingSourceKind.values)),
                default=len(FundingSourceKind.values),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="funding_source_unique_per_case"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class FloorCoefficient(models.Model):
    """The cost-sharing coefficient of one floor (楼层分摊系数), as the owners agreed it."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="floor_coefficients")
    floor = models.SmallIntegerField(_("楼层"))
    coefficient = models.DecimalField(_("分摊系数"), max_digits=5, decimal_places=2)

    class Meta:
        db_table = "cases_floorcoefficient"
        verbose_name = _("楼层分摊系数")
        verbose_name_plural = _("楼层分摊系数")
        ordering = ["case", "floor"]
        constraints = [
            models.UniqueConstraint(fields=["case", "floor"], name="floor_coefficient_unique"),
            models.CheckConstraint(condition=Q(coefficient__gte=0), name="floor_coefficient_not_negative"),
        ]

    def __str__(self) -> str:
        return gettext("%(floor)s层 × %(coefficient)s") % {"floor": self.floor, "coefficient": self.coefficient}


class ElevatorOwnershipMode(models.TextChoices):
    JOINT = "joint", _("共同共有")
    SHARES = "shares", _("按份共有")


class Agreement(models.Model):
    """The terms of the owners' agreement (增设电梯协议书) beyond the cost table.

    The defaults are common wording; staff and owners change them to what was agreed."""

    case = models.OneToOneField(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="agreement")
    ownership_mode = models.CharField(
        _("电梯产权"),
        max_length=8,
        choices=ElevatorOwnershipMode.choices,
        default=ElevatorOwnershipMode.SHARES,
        help_text=_("按份共有时，各户份额与费用分摊比例相同"),
    )
    using_unit = models.CharField(
        _("使用单位"), max_length=100, blank=True, help_text=_("受托管理电梯的物业服务企业或专业公司")
    )
    maintenance_company = models.CharField(_("维护保养单位"), max_length=100, blank=True)
    payment_schedule = models.TextField(
        _("缴款安排"),
        default="协议签订后15日内缴纳分摊金额的50%；电梯安装完成后15日内缴纳40%；竣工验收合格后15日内缴纳10%。",
    )
    running_costs = models.TextField(
        _("运行维护费用分摊"),
        default="电梯运行电费、维护保养费、年度检验费及维修费用，按本协议费用分摊比例由各户承担。",
    )
    low_floor_compensation = models.TextField(_("低层住户补偿"), blank=True)
    joining_later = models.TextField(
        _("后续加入"),
        default="未出资业主日后申请使用电梯的，应按届时评估的分摊金额补交费用，经出资业主同意后方可使用。",
    )
    dispute_resolution = models.TextField(
        _("争议解决"),
        default="因本协议发生争议的，各方协商解决；协商不成的，可申请社区、街道调解，或依法向房屋所在地人民法院提起诉讼。",
    )

    class Meta:
        db_table = "cases_agreement"
        verbose_name = _("业主协议条款")
        verbose_name_plural = _("业主协议条款")

    def __str__(self) -> str:
        return gettext("%(number)s 协议条款") % {"number": self.case.number}


# --- the ledger (收支台账, issue 15 §1) ------------------------------------------------


class LedgerDirection(models.TextChoices):
    IN = "in", _("收入")
    OUT = "out", _("支出")


class LedgerKind(models.TextChoices):
    # Money in
    CONTRIBUTION = "contribution", _("业主出资")
    PROVIDENT_FUND = "provident_fund", _("公积金提取转入")
    MAINTENANCE_FUND = "maintenance_fund", _("维修资金转入")
    SUBSIDY = "subsidy", _("政府补贴")
    OTHER_IN = "other_in", _("其他收入")
    LATE_JOIN = "late_join", _("后续加入补缴")
    # Money out
    DESIGNER = "designer", _("设计费")
    INSTALLER = "installer", _("电梯采购安装款")
    SUPERVISOR = "supervisor", _("监理费")
    FEE = "fee", _("规费及其他费用")
    OTHER_OUT = "other_out", _("其他支出")
    LATE_JOIN_SHARE = "late_join_share", _("后续加入款分回")


# The direction of each kind's ordinary entry; its reversal runs the other way.
KIND_DIRECTION = {
    LedgerKind.CONTRIBUTION: LedgerDirection.IN,
    LedgerKind.PROVIDENT_FUND: LedgerDirection.IN,
    LedgerKind.MAINTENANCE_FUND: LedgerDirection.IN,
    LedgerKind.SUBSIDY: LedgerDirection.IN,
    LedgerKind.OTHER_IN: LedgerDirection.IN,
    LedgerKind.DESIGNER: LedgerDirection.OUT,
    LedgerKind.INSTALLER: LedgerDirection.OUT,
    LedgerKind.SUPERVISOR: LedgerDirection.OUT,
    LedgerKind.FEE: LedgerDirection.OUT,
    LedgerKind.OTHER_OUT: LedgerDirection.OUT,
    LedgerKind.LATE_JOIN: LedgerDirection.IN,
    LedgerKind.LATE_JOIN_SHARE: LedgerDirection.OUT,
}
# Money that is a flat's own (its owner paid it, or withdrew it for it): counts to the flat.
FLAT_KINDS = (LedgerKind.CONTRIBUTION, LedgerKind.PROVIDENT_FUND, LedgerKind.MAINTENANCE_FUND)
# Written only by the later joiner's service (funding/services_accounts.py), as one whole: the
# joiner's payment in and its parts shared back out to the flats that paid.
LATE_JOIN_KINDS = (LedgerKind.LATE_JOIN, LedgerKind.LATE_JOIN_SHARE)
# An owner's own payment in gets a receipt (收款收据): a contribution, a later joiner's payment.
RECEIPT_KINDS = (LedgerKind.CONTRIBUTION, LedgerKind.LATE_JOIN)


class Milestone(models.Model):
    """A payment milestone of the installation contract (付款节点): its name, a percentage of
    the case's budget or a fixed amount, and when it falls due. A list per case, in order."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="milestones")
    seq = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("节点名称"), max_length=60)
    percent = models.DecimalField(_("比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    due_condition = models.CharField(_("付款条件"), max_length=200)

    class Meta:
        verbose_name = _("合同付款节点")
        verbose_name_plural = _("合同付款节点")
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="milestone_seq_unique"),
            models.CheckConstraint(
                condition=(
                    Q(percent__isnull=False, amount__isnull=True) | Q(percent__isnull=True, amount__isnull=False)
                ),
                name="milestone_percent_or_amount",
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0, percent__lte=100) | Q(percent__isnull=True), name="milestone_percent_range"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(amount__isnull=True), name="milestone_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seq}. {self.name}"


def voucher_path(instance: "LedgerEntry", filename: str) -> str:
    # Private storage; the name never includes anything a user typed.
    ext = {"image/png": "png", "image/jpeg": "jpg"}.get(instance.voucher_type, "pdf")
    return f"ledger/{instance.case.number}/{instance.seq:04d}-{instance.voucher_sha256[:16]}.{ext}"


class ImmutableEntry(Exception):
    """An entry of the ledger is never changed nor deleted: a counter-entry reverses it."""


class LedgerEntry(models.Model):
    """One line of the unit's ledger (收支台账): money in or out, to the fen, with its voucher.

    Never changed nor deleted (save() refuses an update, delete() refuses; the database
    refuses both too, migration 0003): a mistake is reversed by a counter-entry of the same
    amount the other way, with its reason, pointing at the entry it reverses (once only)."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="ledger_entries")
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("编号"), max_length=40, unique=True)
    direction = models.CharField(_("收支"), max_length=3, choices=LedgerDirection.choices)
    kind = models.CharField(_("类别"), max_length=20, choices=LedgerKind.choices)
    flat = models.ForeignKey(
        "cases.Flat", verbose_name=_("房号"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("付款节点"), on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    date = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    counterparty = models.CharField(_("收付款方"), max_length=100)
    note = models.CharField(_("摘要"), max_length=200, blank=True)
    voucher = models.FileField(_("凭证"), upload_to=voucher_path, max_length=200, blank=True)
    voucher_name = models.CharField(_("凭证原文件名"), max_length=200, blank=True)
    voucher_type = models.CharField(_("凭证类型"), max_length=32, blank=True)
    voucher_sha256 = models.CharField(_("凭证SHA-256"), max_length=64, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲销的分录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    reason = models.CharField(_("冲销原因"), max_length=200, blank=True)
    # The receipt's verification code (收款收据的核验码): a contribution's, random.
    receipt_code = models.CharField(_("收据核验码"), max_length=16, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(
        "cases.User", verbose_name=_("登记人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("收支分录")
        verbose_name_plural = _("收支台账")
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="ledger_seq_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | ~Q(reason=""), name="ledger_reversal_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableEntry(gettext("收支分录登记后不能修改，请以冲销分录更正。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEntry(gettext("收支分录不能删除，请以冲销分录更正。"))

    @property
    def signed_amount(self):
        return self.amount if self.direction == LedgerDirection.IN else -self.amount


# --- withdrawals and the subsidy (issue 15 §2): their own module, found here by Django ----
from .models_withdrawal import (  # noqa: E402, F401
    ApplicantRelation,
    FundingRules,
    SubsidyClaim,
    Withdrawal,
    WithdrawalChannel,
    WithdrawalMove,
    WithdrawalSource,
    WithdrawalState,
)
