"""提取申请: an owner applies in the portal to withdraw provident fund (公积金) for their flat's
share, and the owner representative applies to use the maintenance fund (维修资金) for the
flats that agree (issue 15 §2); each sees their applications' states, corrects a returned
one, and prints its packet (the form with a QR code and the list of papers).

The case through `owners.selectors.case_for_owner` (another unit's case is a 404); an
application through the owner's own (`withdrawals_of_owner`: another flat's is a 404). The
rules and their refusals are the services' (funding.services_withdrawal). The packet's
public check (/owner/withdrawal/<code>/) tells genuine or not, the number, the room, the
source, the amount and the state — never a name nor an account. Staff print the packet at
/owner/staff/withdrawal/<pk>/packet.pdf (the case through `case_list_visible_to`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.downloads import pdf_response
from cases.extensions import use_registered_on
from cases.selectors import case_list_visible_to
from documents.views import public_rate_limited, public_response
from documents.withdrawal_pdf import PAPERS, packet_pdf
from funding import services_withdrawal
from funding.forms_withdrawal import ProvidentForm, ResubmitForm
from funding.models_withdrawal import Withdrawal, WithdrawalSource
from funding.selectors_withdrawal import (
    flat_caps,
    is_representative,
    my_flats,
    rules_for,
    withdrawal_by_code,
    withdrawal_history,
    withdrawals_of_owner,
)
from funding.withdrawal_rules import window_problem, years_after

from .selectors import case_for_owner, owner_records_in_case
from .views import owner_required, page


def _maintenance_rows(request, flats):
    """The representative's rows: each flat ticked as agreeing, its amount and fund balance."""
    rows = []
    for f in flats:
        if request.POST.get(f"mf-{f.pk}-agree"):
            rows.append(
                services_withdrawal.MaintenanceRow(
                    flat=f,
                    amount=request.POST.get(f"mf-{f.pk}-amount", "")[:40],
                    fund_balance=request.POST.get(f"mf-{f.pk}-balance", "")[:40],
                )
            )
    return rows


@owner_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdrawals(request, pk: int):
    case = case_for_owner(user=request.user, pk=pk)
    flats = my_flats(user=request.user, case=case)
    representative = is_representative(user=request.user, case=case)
    records = owner_records_in_case(user=request.user, case=case)
    form = ProvidentForm(flats=flats, initial={"applicant_name": records[0].name if records else ""})
    mf_errors: list[str] = []
    unit_flats = list(case.unit.flats.order_by("floor", "room")) if representative else []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "provident" and flats:
            form = ProvidentForm(request.POST, flats=flats)
            w = form.submit(case=case, actor=request.user)
            if w is not None:
                messages.success(request, _("您的公积金提取申请已提交，申请编号%(number)s。") % {"number": w.number})
                return redirect("owners:withdrawal", pk=case.pk, w=w.pk)
        elif action == "maintenance" and representative:
            try:
                made = services_withdrawal.maintenance_withdrawal_apply(
                    case=case,
                    actor=request.user,
                    rows=_maintenance_rows(request, unit_flats),
                    payee_bank=request.POST.get("mf-payee_bank", "")[:200],
                    payee_account=request.POST.get("mf-payee_account", "")[:200],
                )
            except (ValidationError, PermissionDenied) as refusal:
                mf_errors = refusal.messages if isinstance(refusal, ValidationError) else [str(refusal)]
            else:
                messages.success(
                    request,
                    _("维修资金使用申请已提交：%(numbers)s。") % {"numbers": "、".join(w.number for w in made)},
                )
                return redirect("owners:withdrawals", pk=case.pk)
        else:
            messages.error(request, _("未知的操作。"))
            return redirect("owners:withdrawals", pk=case.pk)
    rules = rules_for(case.jurisdiction)
    caps = flat_caps(case=case, rules=rules)
    registered = use_registered_on(case)
    # Outside the window the form is not offered: the rule is said instead, in its words.
    closed = window_problem(
        registered_on=registered,
        today=timezone.localdate(),
        years=rules.provident_window_years,
        what=_("提取住房公积金"),
    )
    context = {
        "nav": "home",
        "case": case,
        "mine": list(withdrawals_of_owner(user=request.user, case=case)),
        "caps": [{"flat": f, "cap": caps.get(f.pk)} for f in flats],
        "registered": registered,
        "rules": rules,
        "provident_until": years_after(registered, rules.provident_window_years) if registered else None,
        "form": form if flats and not closed else None,
        "closed": closed if flats else None,
        "representative": representative,
        "mf_closed": window_problem(
            registered_on=registered,
            today=timezone.localdate(),
            years=rules.maintenance_window_years,
            what=_("使用住宅专项维修资金"),
        )
        if representative
        else None,
        "unit_rows": [
            {
                "flat": f,
                "agree": bool(request.POST.get(f"mf-{f.pk}-agree")),
                "amount": request.POST.get(f"mf-{f.pk}-amount", "")[:30],
                "balance": request.POST.get(f"mf-{f.pk}-balance", "")[:30],
            }
            for f in unit_flats
        ],
        "post_bank": request.POST.get("mf-payee_bank", "")[:60],
        "post_account": request.POST.get("mf-payee_account", "")[:40],
        "mf_errors": mf_errors,
    }
    return page(request, "owners/withdrawals.html", context, status=400 if (form.errors or mf_errors) else 200)


def _mine(request, pk: int, w: int) -> Withdrawal:
    case = case_for_owner(user=request.user, pk=pk)
    found = withdrawals_of_owner(user=request.user, case=case).filter(pk=w).first()
    if found is None:
        raise Http404(_("没有这份申请。"))
    found.case = case
    return found


@owner_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdrawal(request, pk: int, w: int):
    found = _mine(request, pk, w)
    form = None
    if found.state == "returned":
        form = ResubmitForm(
            initial={
                "amount": found.amount,
                "fund_balance": found.fund_balance or "",
                "payee_bank": found.payee_bank,
                "payee_account": found.payee_account,
            }
        )
    if form is not None and found.source != WithdrawalSource.MAINTENANCE_FUND:
        del form.fields["fund_balance"]
    if request.method == "POST":
        if found.state != "returned":
            messages.error(request, _("只有退回补正的申请可以重新提交。"))
            return redirect("owners:withdrawal", pk=pk, w=found.pk)
        form = ResubmitForm(request.POST)
        if found.source != WithdrawalSource.MAINTENANCE_FUND:
            del form.fields["fund_balance"]
        if form.is_valid():
            d = form.cleaned_data
            try:
                found = services_withdrawal.withdrawal_resubmit(
                    withdrawal=found,
                    actor=request.user,
                    amount=d["amount"],
                    payee_bank=d["payee_bank"],
                    payee_account=d["payee_account"],
                    fund_balance=d.get("fund_balance") or None,
                )
            except (ValidationError, PermissionDenied) as refusal:
                form.add_error(None, refusal if isinstance(refusal, ValidationError) else str(refusal))
            else:
                messages.success(request, _("已重新提交，等待审核。"))
                return redirect("owners:withdrawal", pk=pk, w=found.pk)
    context = {
        "nav": "home",
        "case": found.case,
        "w": found,
        "papers": PAPERS[WithdrawalSource(found.source)],
        "history": withdrawal_history(found),
        "form": form,
        "is_maintenance": found.source == WithdrawalSource.MAINTENANCE_FUND,
    }
    return page(request, "owners/withdrawal.html", context, status=400 if form is not None and form.errors else 200)


@owner_required
@require_http_methods(["GET", "HEAD"])
def withdrawal_packet(request, pk: int, w: int):
    found = _mine(request, pk, w)
    data = packet_pdf(found)
    services_withdrawal.withdrawal_packet_printed(withdrawal=found, actor=request.user)
    return pdf_response(data, f"提取申请表-{found.number}.pdf")


@staff_member_required
@require_http_methods(["GET", "HEAD"])
def staff_withdrawal_packet(request, w: int):
    found = get_object_or_404(
        Withdrawal.objects.select_related("case__jurisdiction", "case__unit__building", "flat"),
        pk=w,
        case__in=case_list_visible_to(user=request.user),
    )
    data = packet_pdf(found)
    services_withdrawal.withdrawal_packet_printed(withdrawal=found, actor=request.user)
    return pdf_response(data, f"提取申请表-{found.number}.pdf")


@never_cache
@public_rate_limited
@require_http_methods(["GET", "HEAD"])
def withdrawal_verify(request, code: str):
    found = withdrawal_by_code(code)
    if found is None:
        response = page(request, "owners/withdrawal_not_found.html", {"code": code[:40]}, status=404)
    else:
        response = page(
            request, "owners/withdrawal_verify.html", {"w": found, "case": found.case, "now": timezone.now()}
        )
    return public_response(response)
