"""The money page of a case (`admin:funding_case_money`, the case's pk as its argument),
served inside the admin (FundingSourceAdmin.get_urls), and the case page's money panel.

The case is found through `cases.selectors.case_list_visible_to` (another office's case is
a 404 whatever the ID). Whoever sees the case reads its money; changing it needs
`permissions.can_change_money` (403 otherwise) and goes through one service call, all or
nothing. A refused save re-renders the form with the reasons in the user's language."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases.numbers import format_percent
from cases.selectors import case_list_visible_to
from cases.tables import Cell, rows_html

from . import selectors, services
from .costs import FEN
from .forms import CaseMoneyForm
from .models import Agreement, FundingSourceKind
from .permissions import can_change_money
from .services import AGREEMENT_TERMS


def _yuan(amount) -> str:
    return f"{amount:,.2f}"


def money_notes(money: selectors.CaseMoney) -> list[str]:
    """What to check: a funding plan that does not add up to the budget, floors whose flats
    share by no coefficient (a flat added after the table was set)."""
    notes = []
    if money.funding_differs_from_budget:
        notes.append(
            _("资金筹集方案合计 %(funding)s 元，与工程预算 %(budget)s 元不一致，请核对。")
            % {"funding": _yuan(money.funding_total), "budget": _yuan(money.budget)}
        )
    if money.floors_without_coefficient:
        notes.append(
            _("以下楼层尚未登记分摊系数：%(floors)s。这些楼层的住户暂按 0 分摊，请补登系数。")
            % {"floors": "、".join(str(f) for f in money.floors_without_coefficient)}
        )
    return notes


def money_panel_context(*, request, case) -> dict:
    """The case page's money panel (registered in apps.py, below the details): to everyone
    who sees the case; the button to whoever may change the money. The share rows are
    written by `cases.tables.rows_html`, like the page's other long tables."""
    money = selectors.case_money(case=case)
    kinds = {value: str(label) for value, label in FundingSourceKind.choices}
    agreement = money.agreement
    return {
        "can_change_money": can_change_money(request.user, case),
        "funding_rows": [(kinds.get(s.kind, s.kind), _yuan(s.amount), s.note) for s in money.sources],
        "funding_total": _yuan(money.funding_total) if money.funding_total is not None else "",
        "notes": money_notes(money),
        "shared_total_line": _("业主分摊总额：%(total)s 元（业主出资与公积金提取；维修资金及其他资金不分摊到户）")
        % {"total": _yuan(money.shared_total)},
        "share_rows": rows_html(
            (
                r["room"],
                r["floor"],
                r["coefficient"],
                Cell(format_percent(r["share"]), css_class="portal-num"),
                Cell(r["amount"].quantize(FEN), css_class="portal-num"),
            )
            for r in money.rows
        ),
        "terms": [
            (capfirst(Agreement._meta.get_field(name).verbose_name), _term_display(agreement, name))
            for name in AGREEMENT_TERMS
        ]
        if agreement is not None
        else [],
    }


def _term_display(agreement, name: str) -> str:
    if name == "ownership_mode":
        return agreement.get_ownership_mode_display()
    return getattr(agreement, name)


def case_money(request, case_pk: int, admin_site):
    case = get_object_or_404(
        case_list_visible_to(user=request.user).select_related("jurisdiction", "unit__building"), pk=case_pk
    )
    if not can_change_money(request.user, case):
        raise PermissionDenied
    money = selectors.case_money(case=case)
    floors = sorted({row["floor"] for row in money.rows})
    form_kwargs = {
        "floors": floors,
        "sources": money.sources,
        "coefficients": money.coefficients,
        "agreement": money.agreement,
    }
    if request.method == "POST":
        form = CaseMoneyForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                services.case_money_update(
                    case=case,
                    actor=request.user,
                    amounts=form.amounts(),
                    notes=form.notes(),
                    coefficients=form.coefficients(),
                    terms=form.terms(),
                )
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, _("已保存资金筹集方案、楼层分摊系数和协议条款。"))
                return redirect("admin:cases_case_change", case.pk)
    else:
        form = CaseMoneyForm(**form_kwargs)
    context = {
        **admin_site.each_context(request),
        "title": _("修改资金与分摊：%(case)s") % {"case": case.number},
        "subtitle": None,
        "case": case,
        "money": money,
        "form": form,
    }
    return TemplateResponse(request, "admin/funding/case_money.html", context)
