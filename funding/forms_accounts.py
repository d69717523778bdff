"""The flat account page's two forms: a later joiner's payment (the amount is worked out by the
service and only confirmed here) and a sale. Texts are checked again by the services, so any
caller is refused with the same words."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms_ledger import _text
from .services_accounts import MAX_OWNERS
from .services_ledger import MAX_COUNTERPARTY, MAX_NOTE

_DATE_INVALID = _("日期格式不正确（例：2026-03-15）。")


def _date(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        error_messages={"invalid": _DATE_INVALID, "required": _("请填写%(what)s。") % {"what": label}},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class LateJoinForm(forms.Form):
    joined_on = _date(_("补缴日期"))
    counterparty = _text(_("缴款人"), MAX_COUNTERPARTY)
    note = _text(_("摘要"), MAX_NOTE, required=False)
    expected_amount = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)


class FlatTransferForm(forms.Form):
    transferred_on = _date(_("过户日期"))
    previous_owners = _text(_("原业主"), MAX_OWNERS, required=False)
    new_owners = _text(_("新业主"), MAX_OWNERS)
    note = _text(_("说明"), MAX_NOTE, required=False)
