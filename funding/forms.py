"""The money form: the funding plan (an amount and a note per source), the coefficient of
every floor with flats, and the agreement's terms, saved together by
`services.case_money_update`.

Every floor's coefficient is required: a blank floor is a form error, never "this floor
pays nothing" (a floor that pays nothing says 0, as the ground floor does by default)."""

from decimal import Decimal

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Agreement, FundingSource, FundingSourceKind
from .services import AGREEMENT_TERMS

_AMOUNT = FundingSource._meta.get_field("amount")


def _amount_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=_AMOUNT.max_digits,
        decimal_places=_AMOUNT.decimal_places,
        error_messages={"min_value": _("金额不能为负数。")},
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )


def _coefficient_field(floor: int) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("%(floor)s层") % {"floor": floor},
        required=True,
        min_value=Decimal("0"),
        max_digits=5,
        decimal_places=2,
        error_messages={
            "required": _("请填写%(floor)s层的分摊系数（不分摊的楼层填 0）。") % {"floor": floor},
            "min_value": _("分摊系数不能为负数。"),
        },
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )


def funding_field(kind: str) -> str:
    return f"funding_{kind}"


def note_field(kind: str) -> str:
    return f"note_{kind}"


def floor_field(floor: int) -> str:
    return f"floor_{floor}"


class CaseMoneyForm(forms.Form):
    """Built per case: one coefficient field per floor of the unit's flats."""

    def __init__(self, *args, floors: list[int], sources, coefficients: dict[int, Decimal], agreement, **kwargs):
        self.floors = floors
        by_kind = {s.kind: s for s in sources}
        initial = {}
        for kind in FundingSourceKind.values:
            source = by_kind.get(kind)
            initial[funding_field(kind)] = source.amount if source else None
            initial[note_field(kind)] = source.note if source else ""
        for floor in floors:
            initial[floor_field(floor)] = coefficients.get(floor)
        agreement = agreement or Agreement()  # unsaved: its defaults are the common wording
        for name in AGREEMENT_TERMS:
            initial[name] = getattr(agreement, name)
        super().__init__(*args, initial=initial, **kwargs)
        note = FundingSource._meta.get_field("note")
        for kind, label in FundingSourceKind.choices:
            self.fields[funding_field(kind)] = _amount_field(label)
            self.fields[note_field(kind)] = forms.CharField(
                label=gettext("%(kind)s说明") % {"kind": label}, required=False, max_length=note.max_length
            )
        for floor in floors:
            self.fields[floor_field(floor)] = _coefficient_field(floor)
        self.fields.update(fields_for_model(Agreement, fields=AGREEMENT_TERMS))

    def funding_rows(self):
        return [(self[funding_field(k)], self[note_field(k)]) for k in FundingSourceKind.values]

    def floor_rows(self):
        return [self[floor_field(f)] for f in self.floors]

    def term_fields(self):
        return [self[name] for name in AGREEMENT_TERMS]

    # What changed, for the service: only the parts touched are saved (and logged).

    def amounts(self) -> dict[str, Decimal] | None:
        names = [n for k in FundingSourceKind.values for n in (funding_field(k), note_field(k))]
        if not set(names) & set(self.changed_data):
            return None
        return {k: self.cleaned_data[funding_field(k)] or Decimal("0") for k in FundingSourceKind.values}

    def notes(self) -> dict[str, str]:
        return {k: self.cleaned_data[note_field(k)] for k in FundingSourceKind.values}

    def coefficients(self) -> dict[int, Decimal] | None:
        if not {floor_field(f) for f in self.floors} & set(self.changed_data):
            return None
        return {f: self.cleaned_data[floor_field(f)] for f in self.floors}

    def terms(self) -> dict:
        return {name: self.cleaned_data[name] for name in AGREEMENT_TERMS if name in self.changed_data}
