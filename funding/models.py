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
