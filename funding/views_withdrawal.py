"""Withdrawals and the subsidy in the back office (issue 15 §2), inside the admin
(WithdrawalAdmin.get_urls, funding/admin_withdrawal.py), reached from the case page's
money panel:

- `admin:funding_case_withdrawals` (the case's pk): every application of the case, each
  flat's cap across the sources, the window's provident-fund form (fund reviewer or
  district officer of the office), the subsidy (claim, record its payment: district officer);
- `admin:funding_withdrawal` (case, application): the application and, for the deciding
  role of the office, approve / return / reject (the steps' words).

The case is found through `cases.selectors.case_list_visible_to`: another office's case is
a 404; a wrong role in the office reads but gets a 403 on any write. The packet's PDF is
printed by the owners' app (owners/views_withdrawal.py: this app may not read documents)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.extensions import use_registered_on
from cases.selectors import case_list_visible_to

from . import services_withdrawal
from .forms_withdrawal import DecisionForm, PaidForm, ProvidentForm, SubsidyClaimForm
from .models_withdrawal import SubsidyClaim, WithdrawalSource
from .permissions_withdrawal import can_claim_subsidy, can_decide_withdrawal, can_take_at_window
from .selectors_withdrawal import (
    flat_caps,
    rules_for,
    withdrawal_for_case,
    withdrawal_history,
    withdrawals_of_case,
)
from .withdrawal_rules import DECISIONS, MOVE_BY_NAME, years_after


def _case(request, case_pk: int):
    return get_object_or_404(
        case_list_visible_to(user=request.user).select_related("jurisdiction", "unit__building"), pk=case_pk
    )


def case_withdrawals_page(request, case_pk: int, admin_site):
    case = _case(request, case_pk)
    flats = list(case.unit.flats.order_by("floor", "room"))
    may_window = can_take_at_window(request.user, case, WithdrawalSource.PROVIDENT_FUND)
    may_subsidy = can_claim_subsidy(request.user, case)
    form = ProvidentForm(flats=flats)
    claim_form, paid_form = SubsidyClaimForm(), PaidForm(initial={"date": timezone.localdate()})
    claim = SubsidyClaim.objects.filter(case=case).select_related("ledger_entry").first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "provident":
            if not may_window:
                raise PermissionDenied(_("公积金提取申请由受理本案的公积金审查员或区住建经办人在窗口受理。"))
            form = ProvidentForm(request.POST, flats=flats)
            w = form.submit(case=case, actor=request.user)
            if w is not None:
                messages.success(request, _("已受理提取申请 %(number)s。") % {"number": w.number})
                return redirect("admin:funding_withdrawal", case.pk, w.pk)
        elif action in ("subsidy_claim", "subsidy_paid"):
            if not may_subsidy:
                raise PermissionDenied(_("增设电梯补贴由受理本案的区住建部门申请。"))
            if action == "subsidy_claim":
                claim_form = SubsidyClaimForm(request.POST)
                if claim_form.is_valid():
                    try:
                        services_withdrawal.subsidy_claim(
                            case=case, actor=request.user, certificate=claim_form.cleaned_data["certificate"]
                        )
                    except ValidationError as refusal:
                        claim_form.add_error(None, refusal)
                    else:
                        messages.success(request, _("已申请增设电梯补贴。"))
                        return redirect("admin:funding_case_withdrawals", case.pk)
            else:
                paid_form = PaidForm(request.POST, request.FILES)
                if claim is None:
                    paid_form.add_error(None, _("尚未申请补贴。"))
                elif paid_form.is_valid():
                    try:
                        claim = services_withdrawal.subsidy_paid(
                            claim=claim,
                            actor=request.user,
                            date=paid_form.cleaned_data["date"],
                            voucher=paid_form.cleaned_data["voucher"],
                        )
                    except ValidationError as refusal:
                        paid_form.add_error(None, refusal)
                    else:
                        messages.success(request, _("补贴已入账：%(number)s。") % {"number": claim.ledger_entry.number})
                        return redirect("admin:funding_case_withdrawals", case.pk)
        else:
            messages.error(request, _("未知的操作。"))
            return redirect("admin:funding_case_withdrawals", case.pk)
    rules = rules_for(case.jurisdiction)
    caps = flat_caps(case=case, rules=rules)  # each with the flat's part of the subsidy
    registered = use_registered_on(case)
    status = 200 if not any(f.errors for f in (form, claim_form, paid_form)) else 400
    context = {
        **admin_site.each_context(request),
        "title": _("提取申请与补贴：%(case)s") % {"case": case.number},
        "subtitle": None,
        "case": case,
        "withdrawals": list(withdrawals_of_case(case=case)),
        "cap_rows": [{"flat": f, "cap": caps[f.pk]} for f in flats if f.pk in caps],
        "rules": rules,
        "registered": registered,
        "provident_until": years_after(registered, rules.provident_window_years) if registered else None,
        "maintenance_until": years_after(registered, rules.maintenance_window_years) if registered else None,
        "claim": claim,
        "subsidy_rows": [(f.room, caps[f.pk].subsidy_part if f.pk in caps else None) for f in flats] if claim else [],
        "may_window": may_window,
        "may_subsidy": may_subsidy,
        "form": form,
        "claim_form": claim_form,
        "paid_form": paid_form,
    }
    return TemplateResponse(request, "admin/funding/case_withdrawals.html", context, status=status)


def withdrawal_page(request, case_pk: int, pk: int, admin_site):
    case = _case(request, case_pk)
    w = withdrawal_for_case(case=case, pk=pk)
    if w is None:
        raise Http404(_("本案没有这份申请。"))
    may_decide = can_decide_withdrawal(request.user, case, w.source)
    may_record = can_claim_subsidy(request.user, case) and w.state == "approved" and w.ledger_entry_id is None
    form = DecisionForm()
    paid_form = PaidForm(initial={"date": timezone.localdate()})
    if request.method == "POST" and request.POST.get("action") == "paid":
        if not can_claim_subsidy(request.user, case):
            raise PermissionDenied(_("只有受理本案的区住建部门可以登记收支台账。"))
        paid_form = PaidForm(request.POST, request.FILES)
        if paid_form.is_valid():
            try:
                w = services_withdrawal.withdrawal_paid(
                    withdrawal=w,
                    actor=request.user,
                    date=paid_form.cleaned_data["date"],
                    voucher=paid_form.cleaned_data["voucher"],
                )
            except ValidationError as refusal:
                paid_form.add_error(None, refusal)
            else:
                messages.success(request, _("已登记到账：%(number)s。") % {"number": w.ledger_entry.number})
                return redirect("admin:funding_withdrawal", case.pk, w.pk)
    elif request.method == "POST":
        if not may_decide:
            who = _("公积金审查员") if w.source == WithdrawalSource.PROVIDENT_FUND else _("区住建经办人")
            raise PermissionDenied(_("这份申请由受理本案的%(who)s审核。") % {"who": who})
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                w = services_withdrawal.withdrawal_decide(
                    withdrawal=w,
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(
                    request, _("%(number)s：%(state)s。") % {"number": w.number, "state": w.get_state_display()}
                )
                return redirect("admin:funding_withdrawal", case.pk, w.pk)
    context = {
        **admin_site.each_context(request),
        "title": _("提取申请 %(number)s") % {"number": w.number},
        "subtitle": None,
        "case": case,
        "w": w,
        "may_decide": may_decide and w.state == "submitted",
        "decisions": [MOVE_BY_NAME[d] for d in DECISIONS],
        "form": form,
        "may_record": may_record or bool(paid_form.errors),
        "history": withdrawal_history(w),
        "paid_form": paid_form,
    }
    status = 400 if form.errors or paid_form.errors else 200
    return TemplateResponse(request, "admin/funding/withdrawal.html", context, status=status)
