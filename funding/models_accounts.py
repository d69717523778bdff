"""A flat's account over time (issue 15 §3): a later joiner (后续加入) and a sale (过户).

Kept apart from models.py (imported there, so Django finds them under funding). Both are
records of what happened, never changed nor deleted: the ledger's entries they point at carry
the money, these carry why.

- LateJoin: a flat that did not pay joins on the agreement's terms (funding/latejoin_rules.py):
  its original share, the months since the use registration, the factor, the amount. The
  amount is one ledger entry in (后续加入补缴, on the joiner's flat), and one entry out per flat
  that paid (后续加入款分回, LateJoinShare), adding up to it to the fen.
  A mistaken joining is reversed as a whole (every one of its entries counter-entered).
- FlatTransfer: a flat sold; its account goes on under the new owner. What the flat paid up to
  then (the entries up to `last_seq`) stays the old owner's on record.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class RecordedOnce(models.Model):
    """A record of what happened: written once by its service, never changed nor deleted
    (the ledger's entries it points at are not either)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(gettext("登记后不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(gettext("登记后不能删除。"))


class LateJoin(RecordedOnce):
    """后续加入: the computation as it stood when staff recorded it, and its ledger entry."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="late_joins")
    flat = models.ForeignKey("cases.Flat", verbose_name=_("房号"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("编号"), max_length=40, unique=True)
    share = models.DecimalField(_("原分摊金额（元）"), max_digits=12, decimal_places=2)
    registered_on = models.DateField(_("使用登记日期"))
    joined_on = models.DateField(_("补缴日期"))
    months = models.PositiveIntegerField(_("已使用月数"))
    full_years = models.PositiveSmallIntegerField(_("全额年限"))
    zero_years = models.PositiveSmallIntegerField(_("归零年限"))
    amount = models.DecimalField(_("补缴金额（元）"), max_digits=12, decimal_places=2)
    entry = models.OneToOneField(
        "funding.LedgerEntry", verbose_name=_("补缴分录"), on_delete=models.PROTECT, related_name="late_join"
    )
    recorded_by = models.ForeignKey(
        "cases.User", verbose_name=_("登记人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("后续加入")
        verbose_name_plural = _("后续加入")
        ordering = ["case", "pk"]
        # A flat joins once per case, unless the joining was reversed as a mistake: the
        # service checks it under the case's lock (a reversal lives on the ledger entry).
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="late_join_amount_positive"),
            models.CheckConstraint(condition=Q(zero_years__gt=models.F("full_years")), name="late_join_years_order"),
        ]

    def __str__(self) -> str:
        return self.number


class LateJoinShare(RecordedOnce):
    """One flat's part of a later joiner's payment, shared back to it (a ledger entry out)."""

    late_join = models.ForeignKey(LateJoin, verbose_name=_("后续加入"), on_delete=models.PROTECT, related_name="shares")
    flat = models.ForeignKey("cases.Flat", verbose_name=_("房号"), on_delete=models.PROTECT, related_name="+")
    paid = models.DecimalField(_("分回依据：已缴（元）"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("分回金额（元）"), max_digits=12, decimal_places=2)
    entry = models.OneToOneField(
        "funding.LedgerEntry", verbose_name=_("分回分录"), on_delete=models.PROTECT, related_name="late_join_share"
    )

    class Meta:
        verbose_name = _("后续加入款分回")
        verbose_name_plural = _("后续加入款分回")
        ordering = ["late_join", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["late_join", "flat"], name="late_join_share_once_per_flat"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="late_join_share_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.late_join_id}/{self.flat_id}"


class FlatTransfer(RecordedOnce):
    """过户: a flat's account moved to its new owner. The entries up to `last_seq` were paid
    under the old owner and stay theirs on record (`paid_before` as it stood)."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="flat_transfers")
    flat = models.ForeignKey("cases.Flat", verbose_name=_("房号"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("编号"), max_length=40, unique=True)
    transferred_on = models.DateField(_("过户日期"))
    previous_owners = models.CharField(_("原业主"), max_length=200)
    new_owners = models.CharField(_("新业主"), max_length=200)
    paid_before = models.DecimalField(_("原业主已缴（元）"), max_digits=12, decimal_places=2)
    last_seq = models.PositiveIntegerField(_("过户时台账最后序号"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "cases.User", verbose_name=_("登记人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("过户记录")
        verbose_name_plural = _("过户记录")
        ordering = ["case", "flat", "pk"]

    def __str__(self) -> str:
        return self.number
