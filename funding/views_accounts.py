"""A flat's account page (`admin:funding_flat_account`, the case's and the flat's pk): its share,
what it paid under each owner across its sales, what it got back of a later joiner's payment,
its entries; for a flat that did not pay, what it would pay to join today and how that is
shared back (each number shown: share, years, factor, amount). Reached from the ledger page's
table of the flats.

The case comes through `cases.selectors.case_list_visible_to` (another office's case is a
404), the flat from the case's own unit (another unit's flat is a 404). Whoever sees the case
reads; recording a later joiner or a sale needs `permissions.can_record_ledger` (403
otherwise) and is one service call each."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services_accounts
from .forms_accounts import FlatTransferForm, LateJoinForm
from .permissions import can_record_ledger
from .selectors_accounts import flat_account, late_join_plan
from .views_ledger import _case


def _on(value: str | None) -> tuple[datetime.date, str]:
    """The day the joining amount is worked out for (?on=YYYY-MM-DD): today unless a valid
    earlier day is asked; a malformed or future one is said and today used."""
    today = timezone.localdate()
    if not value:
        return today, ""
    try:
        day = datetime.date.fromisoformat(value[:10])
    except ValueError:
        return today, _("日期格式不正确（例：2026-03-15），已按今天计算。")
    if day > today:
        return today, _("日期不能晚于今天，已按今天计算。")
    if day.year < 2000:
        return today, _("日期不能早于2000-01-01，已按今天计算。")
    return day, ""


def flat_account_page(request, case_pk: int, flat_pk: int, admin_site):
    case = _case(request, case_pk)
    flat = get_object_or_404(case.unit.flats.all(), pk=flat_pk)
    may_record = can_record_ledger(request.user, case)
    on, on_problem = _on(request.GET.get("on") or request.POST.get("joined_on"))
    join_form = LateJoinForm(initial={"joined_on": on})
    transfer_form = FlatTransferForm(initial={"transferred_on": timezone.localdate()})
    reverse_problem = ""
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied(_("只有受理本案的区住建部门可以登记后续加入和过户。"))
        action = request.POST.get("action")
        if action == "late_join":
            join_form = LateJoinForm(request.POST)
            if join_form.is_valid():
                data = join_form.cleaned_data
                try:
                    join = services_accounts.late_join_record(
                        case=case,
                        flat=flat,
                        actor=request.user,
                        joined_on=data["joined_on"],
                        counterparty=data["counterparty"],
                        expected_amount=data["expected_amount"],
                        note=data["note"],
                    )
                except ValidationError as refusal:
                    join_form.add_error(None, refusal)
                else:
                    messages.success(
                        request,
                        _("已登记后续加入 %(number)s：%(room)s室补缴%(amount)s元，已分回各出资户。")
                        % {"number": join.number, "room": flat.room, "amount": join.amount},
                    )
                    return redirect("admin:funding_flat_account", case.pk, flat.pk)
        elif action == "late_join_reverse":
            reason = (request.POST.get("reason") or "")[:1000]
            joined = flat_account(case=case, flat_id=flat.pk).account.late_join
            if joined is None:
                messages.error(request, _("本户没有可冲销的后续加入。"))
                return redirect("admin:funding_flat_account", case.pk, flat.pk)
            try:
                services_accounts.late_join_reverse(late_join=joined, actor=request.user, reason=reason)
            except ValidationError as refusal:
                reverse_problem = "；".join(refusal.messages)
            else:
                messages.success(request, _("已冲销后续加入 %(number)s 及其分回分录。") % {"number": joined.number})
                return redirect("admin:funding_flat_account", case.pk, flat.pk)
        elif action == "transfer":
            transfer_form = FlatTransferForm(request.POST)
            if transfer_form.is_valid():
                data = transfer_form.cleaned_data
                try:
                    transfer = services_accounts.flat_transfer_record(
                        case=case,
                        flat=flat,
                        actor=request.user,
                        transferred_on=data["transferred_on"],
                        new_owners=data["new_owners"],
                        previous_owners=data["previous_owners"],
                        note=data["note"],
                    )
                except ValidationError as refusal:
                    transfer_form.add_error(None, refusal)
                else:
                    messages.success(
                        request,
                        _("已登记过户 %(number)s：%(room)s室账户转至%(owners)s。")
                        % {"number": transfer.number, "room": flat.room, "owners": transfer.new_owners},
                    )
                    return redirect("admin:funding_flat_account", case.pk, flat.pk)
        else:
            messages.error(request, _("未知的操作。"))
            return redirect("admin:funding_flat_account", case.pk, flat.pk)
    shown = flat_account(case=case, flat_id=flat.pk)
    current = "、".join(o.name for o in shown.account.owners)
    if not shown.transfers:
        shown.holders[-1].owners = current
    plan = late_join_plan(ledger=shown.ledger, flat_id=flat.pk, on=on) if shown.account.late_join is None else None
    if plan is not None and plan.quote is not None and not join_form.is_bound:
        join_form = LateJoinForm(initial={"joined_on": on, "expected_amount": plan.quote.amount})
    if not transfer_form.is_bound:
        holder = shown.transfers[-1].new_owners if shown.transfers else current
        transfer_form = FlatTransferForm(initial={"transferred_on": timezone.localdate(), "previous_owners": holder})
    refused = (
        reverse_problem
        or (join_form.is_bound and join_form.errors)
        or (transfer_form.is_bound and transfer_form.errors)
    )
    status = 400 if refused else 200
    context = {
        **admin_site.each_context(request),
        "title": _("%(room)s室账户：%(case)s") % {"room": flat.room, "case": case.number},
        "subtitle": None,
        "case": case,
        "flat": flat,
        "page": shown,
        "a": shown.account,
        "plan": plan,
        "on": on,
        "on_problem": on_problem,
        "may_record": may_record,
        "reverse_problem": reverse_problem,
        "join_form": join_form,
        "transfer_form": transfer_form,
    }
    return TemplateResponse(request, "admin/funding/flat_account.html", context, status=status)
