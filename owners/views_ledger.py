"""收支公开: the unit's ledger as its owners read it in the portal (issue 15 §1), and the two
papers of the ledger, printed here because this app may read the documents app and the
funding app may not: a contribution's receipt (收款收据) and the monthly statement (月度收支明细).

Owners (`owner_required`, the case through `owners.selectors.case_for_owner`: another unit's
case is a 404) see every entry, the balance, and each flat's share, paid and owing — by room
only: no name, no phone, nothing else personal. A contribution's counterparty is a person, so
the owners read its room instead; its voucher (a bank slip with a name and an account) is
handed only to the owners of that flat. Payments out and the unit's other money name
companies and offices: everyone of the unit reads them and takes their vouchers.

Staff (`staff_member_required`, the case through `cases.selectors.case_list_visible_to`):
the receipt is printed by the recording office and the applicant's side
(`funding.permissions.can_print_ledger_receipt`; reviewers and city supervisors get a 403);
the statement by whoever sees the case. Every print and download is logged.

The receipt's QR code points to a public check (/owner/ledger-receipt/<code>/): genuine or
not, its number, room, amount and date, and whether it has been reversed — never a name.
"""

from __future__ import annotations

import datetime

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.downloads import pdf_response, private_file_response
from cases.models import Case, Ownership
from cases.selectors import case_list_visible_to
from documents.context import public_base_url, qr_png_data_uri
from documents.models import DOCUMENT_LANGUAGE
from documents.numerals import rmb_capital
from documents.pdf import html_to_pdf
from documents.views import public_rate_limited, public_response
from funding import audit as funding_audit
from funding import services_ledger
from funding.models import RECEIPT_KINDS, LedgerDirection, LedgerEntry
from funding.permissions import can_print_ledger_receipt
from funding.selectors_accounts import late_join_plan
from funding.selectors_ledger import (
    case_ledger,
    entry_by_receipt_code,
    entry_for_case,
    entry_is_reversed,
    month_statement,
)

from .selectors import case_for_owner, owner_records_in_case
from .views import owner_required, page


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _my_flat_ids(user, case: Case) -> set[int]:
    records = owner_records_in_case(user=user, case=case)
    return set(
        Ownership.objects.filter(owner__in=records, flat__unit_id=case.unit_id).values_list("flat_id", flat=True)
    )


def public_party(entry: LedgerEntry) -> str:
    """Who paid or was paid, as the owners read it: a flat's money by its room, else the
    company or office recorded."""
    if entry.flat_id is not None:
        return _("%(room)s室") % {"room": entry.flat.room}
    return entry.counterparty


def _voucher_open_to(entry: LedgerEntry, my_flats: set[int]) -> bool:
    return bool(entry.voucher) and (entry.flat_id is None or entry.flat_id in my_flats)


# --- the owners' page -------------------------------------------------------------------


def is_representative(user, case: Case) -> bool:
    """业主代表: one of the owner's office records is among the case's representatives."""
    records = [o.pk for o in owner_records_in_case(user=user, case=case)]
    return bool(records) and case.representatives.filter(pk__in=records).exists()


def _receipt_open(entry: LedgerEntry, reversed_ids: set[int]) -> bool:
    return entry.kind in RECEIPT_KINDS and entry.reverses_id is None and entry.pk not in reversed_ids


@owner_required
def ledger(request, pk: int):
    case = case_for_owner(user=request.user, pk=pk)
    shown = case_ledger(case=case)
    my_flats = _my_flat_ids(request.user, case)
    representative = is_representative(request.user, case)
    rows = [
        {
            "e": e,
            "party": public_party(e),
            "voucher": _voucher_open_to(e, my_flats),
            "reversed": e.pk in shown.reversed_ids,
            "receipt": representative and _receipt_open(e, shown.reversed_ids),
        }
        for e in shown.entries
    ]
    # 后续加入: for each of the owner's flats that did not pay, what it would pay to join today
    # and how (its share, the years since the use registration, the factor, the amount).
    today = timezone.localdate()
    plans = [
        late_join_plan(ledger=shown, flat_id=a.flat_id, on=today)
        for a in shown.accounts
        if a.flat_id in my_flats and a.paid == 0 and a.late_join is None and a.original_share
    ]
    context = {
        "nav": "home",
        "case": case,
        "ledger": shown,
        "rows": rows,
        "accounts": [{"a": a, "mine": a.flat_id in my_flats} for a in shown.accounts],
        "plans": plans,
        "representative": representative,
        "this_month": today.strftime("%Y-%m"),
    }
    return page(request, "owners/ledger.html", context)


@owner_required
@require_http_methods(["GET", "HEAD"])
def ledger_receipt_pdf(request, pk: int, entry: int):
    """A contribution's receipt printed by the owner representative (业主代表), who collects
    the owners' money in practice; any other owner is refused (403), another case's entry is
    a 404, a reversed one is void."""
    case = case_for_owner(user=request.user, pk=pk)
    found = entry_for_case(case=case, pk=entry)
    if found is None or found.kind not in RECEIPT_KINDS or found.reverses_id is not None:
        raise Http404(_("只有业主出资分录有收款收据。"))
    if not is_representative(request.user, case):
        raise PermissionDenied(_("收款收据由区住建部门或本案的业主代表打印。"))
    if entry_is_reversed(found) is not None:
        raise PermissionDenied(_("这笔出资已冲销，收据作废，不能再打印。"))
    found.case = case
    data = receipt_pdf(found)
    services_ledger.ledger_receipt_printed(entry=found, actor=request.user)
    return pdf_response(data, f"收款收据-{found.number}.pdf")


@owner_required
def ledger_voucher(request, pk: int, entry: int):
    case = case_for_owner(user=request.user, pk=pk)
    found = entry_for_case(case=case, pk=entry)
    if found is None or not found.voucher:
        raise Http404(_("这笔分录没有凭证。"))
    refusal = None
    if not _voucher_open_to(found, _my_flat_ids(request.user, case)):
        refusal = _("这张凭证载有其他住户的个人信息，只向该户业主和经办部门提供。")
    return private_file_response(
        request,
        file=found.voucher,
        filename=f"{found.number}-{found.voucher_name}",
        content_type=found.voucher_type,
        refusal=refusal,
        log_download=lambda actor: funding_audit.ledger_voucher_downloaded(entry=found, actor=actor),
    )


def _month(value: str | None) -> datetime.date:
    try:
        month = datetime.datetime.strptime((value or "")[:7], "%Y-%m").date()
    except ValueError as exc:
        raise Http404(_("月份格式不正确（例：2026-03）。")) from exc
    if month.year < 2000 or month > timezone.localdate():
        raise Http404(_("没有这个月份的收支明细。"))
    return month


@owner_required
def ledger_statement_pdf(request, pk: int):
    case = case_for_owner(user=request.user, pk=pk)
    month = _month(request.GET.get("month"))
    services_ledger.ledger_statement_printed(case=case, actor=request.user, month=month.strftime("%Y-%m"))
    return pdf_response(statement_pdf(case=case, month=month), f"月度收支明细-{case.number}-{month:%Y%m}.pdf")


# --- the papers -------------------------------------------------------------------------


def receipt_verify_url(entry: LedgerEntry) -> str:
    return public_base_url() + reverse("owners:ledger_receipt_verify", args=[entry.receipt_code])


def receipt_html(entry: LedgerEntry) -> tuple[str, str]:
    case = entry.case
    url = receipt_verify_url(entry)
    qr = qr_png_data_uri(url)
    context = {
        "e": entry,
        "case": case,
        "capital": rmb_capital(entry.amount),
        "recorded_by": (entry.recorded_by.get_full_name() or entry.recorded_by.username) if entry.recorded_by else "",
        "doc": {
            "template": "ledger-receipt",
            "title": "收款收据",
            "code": grouped(entry.receipt_code),
            "generated_at": entry.recorded_at,
            "verify_url": url,
            "qr_data_uri": qr,
            "issuer": case.jurisdiction.housing_office,
        },
    }
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string("owners/ledger_receipt_pdf.html", context), qr


def receipt_pdf(entry: LedgerEntry) -> bytes:
    html, qr = receipt_html(entry)
    return html_to_pdf(html, data_uris=[qr]).data


def statement_html(*, case: Case, month: datetime.date) -> tuple[str, str]:
    shown = month_statement(case=case, month=month)
    url = public_base_url() + reverse("owners:ledger", args=[case.pk])
    qr = qr_png_data_uri(url)
    context = {
        "s": shown,
        "case": case,
        "rows": [{"e": e, "party": public_party(e)} for e in shown.entries],
        "month_label": f"{month.year}年{month.month}月",
        "doc": {
            "template": "ledger-statement",
            "title": "月度收支明细",
            "code": f"{case.number}-{month:%Y%m}",
            "generated_at": timezone.now(),
            "verify_url": url,
            "qr_data_uri": qr,
            "issuer": case.jurisdiction.housing_office,
        },
    }
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string("owners/ledger_statement_pdf.html", context), qr


def statement_pdf(*, case: Case, month: datetime.date) -> bytes:
    html, qr = statement_html(case=case, month=month)
    return html_to_pdf(html, data_uris=[qr]).data


# --- staff ------------------------------------------------------------------------------


def _staff_case(request, pk: int) -> Case:
    return get_object_or_404(
        case_list_visible_to(user=request.user).select_related("jurisdiction", "unit__building"), pk=pk
    )


@staff_member_required
@require_http_methods(["GET", "HEAD"])
def staff_receipt_pdf(request, entry: int):
    found = get_object_or_404(
        LedgerEntry.objects.select_related("case", "flat", "recorded_by"),
        pk=entry,
        case__in=case_list_visible_to(user=request.user),
    )
    case = _staff_case(request, found.case_id)
    found.case = case
    if not can_print_ledger_receipt(request.user, case):
        raise PermissionDenied(_("收款收据由受理本案的区住建部门或代建单位/业主代表打印。"))
    if found.kind not in RECEIPT_KINDS or found.reverses_id is not None:
        raise Http404(_("只有业主出资分录有收款收据。"))
    if entry_is_reversed(found) is not None:
        raise PermissionDenied(_("这笔出资已冲销，收据作废，不能再打印。"))
    data = receipt_pdf(found)
    services_ledger.ledger_receipt_printed(entry=found, actor=request.user)
    return pdf_response(data, f"收款收据-{found.number}.pdf")


@staff_member_required
@require_http_methods(["GET", "HEAD"])
def staff_statement_pdf(request, pk: int):
    case = _staff_case(request, pk)
    month = _month(request.GET.get("month"))
    services_ledger.ledger_statement_printed(case=case, actor=request.user, month=month.strftime("%Y-%m"))
    return pdf_response(statement_pdf(case=case, month=month), f"月度收支明细-{case.number}-{month:%Y%m}.pdf")


# --- the public check of a receipt ------------------------------------------------------


@never_cache
@public_rate_limited
@require_http_methods(["GET", "HEAD"])
def receipt_verify(request, code: str):
    entry = entry_by_receipt_code(code)
    if entry is None or entry.kind not in RECEIPT_KINDS or entry.direction != LedgerDirection.IN:
        response = page(request, "owners/ledger_receipt_not_found.html", {"code": code[:40]}, status=404)
    else:
        reversal = entry_is_reversed(entry)
        context = {"e": entry, "case": entry.case, "reversal": reversal}
        response = page(request, "owners/ledger_receipt_verify.html", context)
    return public_response(response)
