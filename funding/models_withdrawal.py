"""Withdrawals for a flat's share and the district's subsidy (issue 15 §2).

提取住房公积金: an owner (or their spouse or child) withdraws from the housing provident fund
for the flat's share; the 公积金 reviewer of the case's office decides. 使用住宅专项维修资金:
the owner representative applies for the flats that agree; the district officer decides.
Both are one model (`Withdrawal`, its `source` telling which), so the cap across sources
(provident fund + maintenance fund ≤ share − the flat's part of the subsidy) reads one table.

Imported by funding/models.py (Django finds models there); every write goes through
`funding.services_withdrawal`. The moves of an application's state are the table in
`funding.withdrawal_rules`.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Flat, Jurisdiction


class WithdrawalSource(models.TextChoices):
    PROVIDENT_FUND = "provident_fund", _("住房公积金")
    MAINTENANCE_FUND = "maintenance_fund", _("住宅专项维修资金")


class WithdrawalState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回补正")
    APPROVED = "approved", _("已核准")
    REJECTED = "rejected", _("不予核准")


# An application that still counts toward the flat's one withdrawal and the cap: all but a
# rejected one (a rejection frees the flat to apply again).
LIVE_STATES = (WithdrawalState.SUBMITTED, WithdrawalState.RETURNED, WithdrawalState.APPROVED)


class ApplicantRelation(models.TextChoices):
    OWNER = "owner", _("业主本人")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")


class WithdrawalChannel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    WINDOW = "window", _("窗口受理")


class Withdrawal(models.Model):
    """One flat's application to withdraw for its share, from one source."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="withdrawals")
    flat = models.ForeignKey(Flat, verbose_name=_("房号"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("提取来源"), max_length=20, choices=WithdrawalSource.choices)
    number = models.CharField(_("申请编号"), max_length=40, unique=True)
    state = models.CharField(_("状态"), max_length=10, choices=WithdrawalState.choices)
    channel = models.CharField(_("受理方式"), max_length=8, choices=WithdrawalChannel.choices)
    applicant_name = models.CharField(_("申请人"), max_length=64)
    relation = models.CharField(_("与产权人关系"), max_length=8, choices=ApplicantRelation.choices)
    amount = models.DecimalField(_("申请金额（元）"), max_digits=12, decimal_places=2)
    # 维修资金: the flat's balance in the fund as its statement shows it, entered with the application.
    fund_balance = models.DecimalField(
        _("分户维修资金余额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    payee_bank = models.CharField(_("收款银行"), max_length=60)
    payee_account = models.CharField(_("收款账号"), max_length=32)
    # The maintenance-fund applications the representative made together share a group code.
    group = models.CharField(_("批次"), max_length=40, blank=True)
    verify_code = models.CharField(_("核验码"), max_length=16, unique=True)
    submitted_by = models.ForeignKey(
        "cases.User", verbose_name=_("提交人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    decided_by = models.ForeignKey(
        "cases.User", verbose_name=_("审核人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    # The money paid into the unit's account once approved: its ledger entry (公积金提取转入 /
    # 维修资金转入, counting to the flat).
    ledger_entry = models.OneToOneField(
        "funding.LedgerEntry",
        verbose_name=_("入账分录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="withdrawal",
    )

    class Meta:
        verbose_name = _("提取申请")
        verbose_name_plural = _("提取申请")
        ordering = ["case", "-submitted_at", "-pk"]
        constraints = [
            # Once per flat and source (the service checks first and names the earlier one;
            # this is the backstop when two arrive at once).
            models.UniqueConstraint(
                fields=["flat", "source"],
                condition=Q(state__in=["submitted", "returned", "approved"]),
                name="withdrawal_once_per_flat",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="withdrawal_amount_positive"),
            models.CheckConstraint(
                condition=Q(source="provident_fund") | Q(fund_balance__isnull=False),
                name="withdrawal_maintenance_has_balance",
            ),
        ]
        indexes = [models.Index(fields=["state", "source"], name="withdrawal_state_source")]

    def __str__(self) -> str:
        return self.number


class WithdrawalMove(models.Model):
    """One move of an application (funding.withdrawal_rules.MOVES): append-only, the state's
    history — from, to, who, when and the reason given."""

    withdrawal = models.ForeignKey(
        Withdrawal, verbose_name=_("提取申请"), on_delete=models.PROTECT, related_name="moves"
    )
    move = models.CharField(_("操作"), max_length=10)
    from_state = models.CharField(_("原状态"), max_length=10, choices=WithdrawalState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10, choices=WithdrawalState.choices)
    actor = models.ForeignKey(
        "cases.User", verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("提取申请记录")
        verbose_name_plural = _("提取申请记录")
        ordering = ["withdrawal", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.withdrawal_id} {self.from_state}→{self.to_state}"


class SubsidyClaim(models.Model):
    """The district's subsidy for the elevator (增设电梯补贴): claimed after the use
    registration with its certificate, entered in the ledger when paid. One per case."""

    case = models.OneToOneField(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="subsidy_claim")
    amount = models.DecimalField(_("补贴金额（元）"), max_digits=12, decimal_places=2)
    certificate = models.CharField(_("使用登记证编号"), max_length=40)
    claimed_by = models.ForeignKey(
        "cases.User", verbose_name=_("申请人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    claimed_at = models.DateTimeField(_("申请时间"))
    ledger_entry = models.OneToOneField(
        "funding.LedgerEntry",
        verbose_name=_("入账分录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidy_claim",
    )

    class Meta:
        verbose_name = _("增设电梯补贴")
        verbose_name_plural = _("增设电梯补贴")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="subsidy_amount_positive")]

    def __str__(self) -> str:
        return f"{self.case} {self.amount}"


class FundingRules(models.Model):
    """A jurisdiction's own rules for the money, where they differ from the settings'
    defaults (FUNDING_* in config/settings/base.py). An empty field keeps the default."""

    jurisdiction = models.OneToOneField(
        Jurisdiction, verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="funding_rules"
    )
    provident_window_years = models.PositiveSmallIntegerField(
        _("公积金提取期限（年）"), null=True, blank=True, help_text=_("使用登记后多少年内可申请；空：按系统默认")
    )
    maintenance_window_years = models.PositiveSmallIntegerField(
        _("维修资金提取期限（年）"), null=True, blank=True, help_text=_("使用登记后多少年内可申请；空：按系统默认")
    )
    maintenance_keep_percent = models.DecimalField(
        _("维修资金最低留存比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    subsidy_per_elevator = models.DecimalField(
        _("每台电梯补贴金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("空：按系统默认（默认无补贴）"),
    )

    class Meta:
        verbose_name = _("资金规则")
        verbose_name_plural = _("资金规则（按辖区）")
        constraints = [
            models.CheckConstraint(
                condition=Q(maintenance_keep_percent__isnull=True)
                | Q(maintenance_keep_percent__gte=0, maintenance_keep_percent__lte=100),
                name="funding_rules_keep_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(subsidy_per_elevator__isnull=True) | Q(subsidy_per_elevator__gte=0),
                name="funding_rules_subsidy_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.jurisdiction)
