"""The ledger page of a case (`admin:funding_case_ledger`, the case's pk as its argument),
inside the admin (FundingSourceAdmin.get_urls), reached by a line in the case page's money
panel; and a voucher's download (`admin:funding_ledger_voucher`).

The case is found through `cases.selectors.case_list_visible_to` (another office's case is
a 404 whatever the ID). Whoever sees the case reads the ledger and takes its vouchers
(each download logged); recording an entry, reversing one and adding a milestone need
`permissions.can_record_ledger` (403 otherwise) and go through one service call each. The
receipts and the monthly statement are PDFs printed by the owners' app (which may read the
documents app; this one may not): their links point there."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.downloads import private_file_response
from cases.selectors import case_list_visible_to

from . import audit, services_ledger
from .forms_ledger import LedgerEntryForm, MilestoneForm, ReverseForm
from .models import Milestone
from .permissions import can_print_ledger_receipt, can_record_ledger
from .selectors_ledger import case_ledger, entry_for_case


def _case(request, case_pk: int):
    return get_object_or_404(
        case_list_visible_to(user=request.user).select_related("jurisdiction", "unit__building"), pk=case_pk
    )


def _refusal_to_form(form, refusal: ValidationError) -> None:
    form.add_error(None, refusal)


def case_ledger_page(request, case_pk: int, admin_site):
    case = _case(request, case_pk)
    may_record = can_record_ledger(request.user, case)
    flats = list(case.unit.flats.order_by("floor", "room"))
    milestones = list(Milestone.objects.filter(case=case).order_by("seq"))
    entry_form = LedgerEntryForm(flats=flats, milestones=milestones, initial={"date": timezone.localdate()})
    reverse_form = ReverseForm()
    milestone_form = MilestoneForm()
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied(_("只有受理本案的区住建部门可以登记收支台账。"))
        action = request.POST.get("action")
        if action == "record":
            entry_form = LedgerEntryForm(request.POST, request.FILES, flats=flats, milestones=milestones)
            if entry_form.is_valid():
                data = entry_form.cleaned_data
                try:
                    entry = services_ledger.ledger_entry_record(
                        case=case,
                        actor=request.user,
                        kind=data["kind"],
                        date=data["date"],
                        amount=data["amount"],
                        counterparty=data["counterparty"],
                        note=data["note"],
                        flat=next((f for f in flats if f.pk == data["flat"]), None),
                        milestone=next((m for m in milestones if m.pk == data["milestone"]), None),
                        voucher=data["voucher"],
                    )
                except ValidationError as refusal:
                    _refusal_to_form(entry_form, refusal)
                else:
                    messages.success(request, _("已登记收支分录 %(number)s。") % {"number": entry.number})
                    return redirect("admin:funding_case_ledger", case.pk)
        elif action == "reverse":
            reverse_form = ReverseForm(request.POST)
            if reverse_form.is_valid():
                entry = entry_for_case(case=case, pk=reverse_form.cleaned_data["entry"])
                if entry is None:
                    raise Http404(_("本案没有这笔分录。"))
                try:
                    reversal = services_ledger.ledger_entry_reverse(
                        entry=entry, actor=request.user, reason=reverse_form.cleaned_data["reason"]
                    )
                except ValidationError as refusal:
                    _refusal_to_form(reverse_form, refusal)
                else:
                    messages.success(
                        request,
                        _("已冲销 %(number)s（冲销分录 %(reversal)s）。")
                        % {"number": entry.number, "reversal": reversal.number},
                    )
                    return redirect("admin:funding_case_ledger", case.pk)
        elif action == "milestone":
            milestone_form = MilestoneForm(request.POST)
            if milestone_form.is_valid():
                data = milestone_form.cleaned_data
                try:
                    services_ledger.milestone_add(
                        case=case,
                        actor=request.user,
                        name=data["name"],
                        due_condition=data["due_condition"],
                        percent=data["percent"] or None,
                        amount=data["amount"] or None,
                    )
                except ValidationError as refusal:
                    _refusal_to_form(milestone_form, refusal)
                else:
                    messages.success(request, _("已登记合同付款节点。"))
                    return redirect("admin:funding_case_ledger", case.pk)
        else:
            messages.error(request, _("未知的操作。"))
            return redirect("admin:funding_case_ledger", case.pk)
    ledger = case_ledger(case=case, with_owners=True)
    status = 200 if not any(f.errors for f in (entry_form, reverse_form, milestone_form)) else 400
    context = {
        **admin_site.each_context(request),
        "title": _("收支台账：%(case)s") % {"case": case.number},
        "subtitle": None,
        "case": case,
        "ledger": ledger,
        "may_record": may_record,
        "may_print": can_print_ledger_receipt(request.user, case),
        "entry_form": entry_form,
        "reverse_form": reverse_form,
        "milestone_form": milestone_form,
        "this_month": timezone.localdate().strftime("%Y-%m"),
    }
    return TemplateResponse(request, "admin/funding/case_ledger.html", context, status=status)


def ledger_voucher(request, case_pk: int, entry_pk: int, admin_site):
    case = _case(request, case_pk)
    entry = entry_for_case(case=case, pk=entry_pk)
    if entry is None or not entry.voucher:
        raise Http404(_("这笔分录没有凭证。"))
    return private_file_response(
        request,
        file=entry.voucher,
        filename=f"{entry.number}-{entry.voucher_name}",
        content_type=entry.voucher_type,
        refusal=None,
        log_download=lambda actor: audit.ledger_voucher_downloaded(entry=entry, actor=actor),
    )
