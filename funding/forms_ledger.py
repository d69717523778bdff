"""The ledger page's three forms: an entry of money in or out with its voucher, the
reversal of an entry (its reason), a milestone of the installation contract. The amounts
are read as text and parsed by the services (`services_ledger.parse_amount`), so the form
and any other caller refuse the same inputs with the same words."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LATE_JOIN_KINDS, LedgerKind
from .services_ledger import MAX_COUNTERPARTY, MAX_DUE_CONDITION, MAX_MILESTONE_NAME, MAX_NOTE, MAX_REASON

_TOO_LONG = _("不能超过%(limit_value)s字（现有%(show_value)s字）。")


def _text(label, limit: int, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        error_messages={"required": _("请填写%(what)s。") % {"what": label}, "max_length": _TOO_LONG},
    )


class LedgerEntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"),
        choices=[("", "---------"), *((k, label) for k, label in LedgerKind.choices if k not in LATE_JOIN_KINDS)],
    )
    date = forms.DateField(
        label=_("日期"),
        error_messages={"invalid": _("日期格式不正确（例：2026-03-15）。")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    amount = forms.CharField(
        label=_("金额（元）"), max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    flat = forms.TypedChoiceField(label=_("房号"), required=False, coerce=int, empty_value=None)
    milestone = forms.TypedChoiceField(label=_("付款节点"), required=False, coerce=int, empty_value=None)
    counterparty = _text(_("收付款方"), MAX_COUNTERPARTY)
    note = _text(_("摘要"), MAX_NOTE, required=False)
    voucher = forms.FileField(label=_("凭证（发票、收据、银行回单）"), required=False)

    def __init__(self, *args, flats=(), milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flat"].choices = [("", "---------"), *((f.pk, f.room) for f in flats)]
        self.fields["milestone"].choices = [("", "---------"), *((m.pk, str(m)) for m in milestones)]
        self.fields["kind"].error_messages["required"] = _("请选择收支类别。")
        self.fields["amount"].error_messages["required"] = _("请填写金额。")
        self.fields["date"].error_messages["required"] = _("请填写日期。")


class ReverseForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    reason = _text(_("冲销原因"), MAX_REASON)


class MilestoneForm(forms.Form):
    name = _text(_("节点名称"), MAX_MILESTONE_NAME)
    percent = forms.CharField(label=_("比例（%）"), required=False, max_length=20)
    amount = forms.CharField(label=_("金额（元）"), required=False, max_length=40)
    due_condition = _text(_("付款条件"), MAX_DUE_CONDITION)
