"""The forms of withdrawals and the subsidy, in the back office and the owners' portal. The
amounts and the account are read as text and checked by the services
(`services_withdrawal`), so every caller is refused with the same words."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import services_withdrawal
from .models_withdrawal import ApplicantRelation, Withdrawal

_TOO_LONG = _("不能超过%(limit_value)s字（现有%(show_value)s字）。")


def _text(label, limit: int, *, required: bool = True, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        error_messages={"required": _("请填写%(what)s。") % {"what": label}, "max_length": _TOO_LONG},
        **kwargs,
    )


class ProvidentForm(forms.Form):
    """提取住房公积金: the flat, who applies, how much, where it is paid."""

    flat = forms.TypedChoiceField(label=_("房号"), coerce=int, error_messages={"invalid_choice": _("请选择房号。")})
    applicant_name = _text(_("申请人姓名"), 64)
    relation = forms.ChoiceField(
        label=_("与产权人关系"),
        choices=ApplicantRelation.choices,
        error_messages={"invalid_choice": _("请选择申请人与产权人的关系。")},
    )
    amount = _text(_("申请金额（元）"), 30, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    payee_bank = _text(_("收款银行"), 60)
    payee_account = _text(_("收款账号"), 40, widget=forms.TextInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args, flats, **kwargs):
        super().__init__(*args, **kwargs)
        self.flats = list(flats)
        self.fields["flat"].choices = [(f.pk, f.room) for f in self.flats]

    def submit(self, *, case, actor) -> Withdrawal | None:
        """The application through the service (online or at the window, by who `actor` is);
        a refusal lands on the form, in the service's words, and None is returned."""
        if not self.is_valid():
            return None
        d = self.cleaned_data
        try:
            return services_withdrawal.provident_withdrawal_apply(
                case=case,
                actor=actor,
                flat=next(f for f in self.flats if f.pk == d["flat"]),
                applicant_name=d["applicant_name"],
                relation=d["relation"],
                amount=d["amount"],
                payee_bank=d["payee_bank"],
                payee_account=d["payee_account"],
            )
        except ValidationError as refusal:
            self.add_error(None, refusal)
        except PermissionDenied as refusal:
            self.add_error(None, str(refusal))
        return None


class ResubmitForm(forms.Form):
    amount = _text(_("申请金额（元）"), 30, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    fund_balance = _text(_("分户维修资金余额（元）"), 30, required=False)
    payee_bank = _text(_("收款银行"), 60)
    payee_account = _text(_("收款账号"), 40, widget=forms.TextInput(attrs={"inputmode": "numeric"}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", ""), ("return", ""), ("reject", "")],
        error_messages={"invalid_choice": _("未知的操作。"), "required": _("未知的操作。")},
    )
    note = _text(_("审核意见"), 500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SubsidyClaimForm(forms.Form):
    certificate = _text(_("使用登记证编号"), 40)


class PaidForm(forms.Form):
    date = forms.DateField(
        label=_("到账日期"),
        error_messages={"invalid": _("日期格式不正确（例：2026-03-15）。"), "required": _("请填写到账日期。")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    voucher = forms.FileField(label=_("到账凭证"), required=False)
