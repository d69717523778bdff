"""异议: an owner's written, real-name objection to the notice (issue 13 §2), its receipt, and
"我的异议" with each objection's state and the office's written reply.

The case is found through `owners.selectors.case_for_owner` (another unit's case is a 404);
the objector is the office's record of this identity in the unit (`owner_records_in_case`),
so the real name is the one registered for the flat, not one typed in. During the notice's
period the objection is on time; after it, it is still taken and said plainly to be late.

An owner sees only their own objections (another's is a 404). The receipt's public check
(its QR code) says it is genuine, its number, time and state — never the reasons or the
full name.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.downloads import pdf_response
from documents.views import public_rate_limited, public_response
from notices import objection_pdf
from notices.models import ObjectionState
from notices.selectors_objections import (
    local_time,
    objection_by_code,
    objection_of_owner,
    objection_state_text,
    objection_timeline,
    objection_window,
    objections_of_owner,
)
from notices.services_objections import objection_submit_online

from .forms_objection import ObjectionForm
from .selectors import case_for_owner, owner_records_in_case
from .views import owner_required, page


@owner_required
@require_http_methods(["GET", "HEAD", "POST"])
def objection_new(request, pk: int):
    case = case_for_owner(user=request.user, pk=pk)
    window = objection_window(case, timezone.localdate())
    notice, open_, late, state = window.notice, window.open, window.late, window.state
    records = owner_records_in_case(user=request.user, case=case)
    if request.method == "POST" and open_ and records:
        form = ObjectionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                objection = objection_submit_online(
                    case=case,
                    actor=request.user,
                    owner=records[0],
                    reasons=form.cleaned_data["reasons"],
                    photos=form.cleaned_data["photos"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
            else:
                messages.success(
                    request, _("您的异议已受理，异议编号%(number)s。请保存回执。") % {"number": objection.number}
                )
                return redirect("owners:objection", pk=case.pk, obj=objection.pk)
    elif request.method == "POST":
        messages.error(request, state)
        return redirect("owners:objection_new", pk=case.pk)
    else:
        form = ObjectionForm() if open_ else None
    context = {
        "nav": "home",
        "case": case,
        "notice": notice,
        "form": form,
        "late": late,
        "state": state,
        "name": records[0].name if records else "",
    }
    return page(request, "owners/objection_new.html", context)


@owner_required
def objections(request, pk: int):
    case = case_for_owner(user=request.user, pk=pk)
    mine = [(o, objection_state_text(o)) for o in objections_of_owner(user=request.user, case=case)]
    window = objection_window(case, timezone.localdate())
    context = {"nav": "home", "case": case, "mine": mine, "may_object": window.open, "late": window.late}
    return page(request, "owners/objections.html", context)


@owner_required
def objection(request, pk: int, obj: int):
    case = case_for_owner(user=request.user, pk=pk)
    o = objection_of_owner(user=request.user, case=case, pk=obj)
    context = {
        "nav": "home",
        "case": case,
        "o": o,
        "code": objection_pdf.grouped(o.code),
        "received_at": local_time(o.received_at),
        "state": objection_state_text(o),
        "timeline": objection_timeline(o, for_owner=True),
        "closed": o.state == ObjectionState.CLOSED,
    }
    return page(request, "owners/objection.html", context)


@owner_required
def objection_receipt_pdf(request, pk: int, obj: int):
    case = case_for_owner(user=request.user, pk=pk)
    o = objection_of_owner(user=request.user, case=case, pk=obj)
    return pdf_response(objection_pdf.receipt_pdf(o), f"异议回执-{o.number}.pdf")


@owner_required
def objection_reply_pdf(request, pk: int, obj: int):
    case = case_for_owner(user=request.user, pk=pk)
    o = objection_of_owner(user=request.user, case=case, pk=obj)
    if o.state != ObjectionState.CLOSED:
        raise Http404("no reply yet")
    return pdf_response(objection_pdf.reply_pdf(o), f"异议答复-{o.number}.pdf")


def masked_name(name: str) -> str:
    """张三丰 → 张**: the family name only, as a notice board would print it."""
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""


@never_cache
@public_rate_limited
@require_http_methods(["GET", "HEAD"])
def objection_verify(request, code: str):
    """Public (the receipt's QR code): genuine or not, its number, time and state."""
    o = objection_by_code(code)
    if o is None:
        response = page(request, "owners/objection_not_found.html", {"code": code[:40]}, status=404)
    else:
        context = {
            "o": o,
            "case": o.notice.case,
            "name": masked_name(o.name),
            "received_at": local_time(o.received_at),
            "state": o.get_state_display(),
            "closed_at": local_time(o.closed_at) if o.closed_at else "",
        }
        response = page(request, "owners/objection_verify.html", context)
    return public_response(response)
