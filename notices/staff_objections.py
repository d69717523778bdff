"""Objections to the notice as staff see them (issue 13 §2), served inside the admin
(NoticeAdmin.get_urls): the case's objections with the form to record one brought on
paper, and an objection's page with its handling timeline and the forms to record a
contact, a mediation meeting and the close with its written reply.

Who: the case must be one the user sees (`case_list_visible_to`: another office's case or
objection is a 404 whatever the ID); reading needs `permissions.can_read_objections` (the
applicant's side is refused: 403); recording needs `permissions.can_manage_notice` (the
receiving office; others 403). Each file download is logged."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit import reveal
from audit.downloads import pdf_response, private_file_response
from cases.models import Case
from cases.selectors import case_list_visible_to

from . import audit, objection_pdf, selectors, services_objections
from . import selectors_objections as objection_selectors
from .forms_objections import CloseForm, ContactForm, MeetingForm, PaperObjectionForm
from .models import HandlingKind, ObjectionFile, ObjectionState
from .permissions import can_manage_notice, can_read_objections

READ_REFUSED = gettext_lazy("异议含异议人的个人信息，仅受理部门、审查部门和市级督导可以查看。")
MANAGE_REFUSED = gettext_lazy("只有受理本案的区住建部门可以登记和处理公示异议。")


def _case_for(request, case_pk: int) -> Case:
    case = get_object_or_404(
        case_list_visible_to(user=request.user).select_related("jurisdiction", "unit__building"), pk=case_pk
    )
    if not can_read_objections(request.user, case):
        raise PermissionDenied(READ_REFUSED)
    return case


def _objection_for(request, pk: int, *, manage: bool = False):
    objection = objection_selectors.objection_for_staff(user=request.user, pk=pk)
    case = objection.notice.case
    if not can_read_objections(request.user, case):
        raise PermissionDenied(READ_REFUSED)
    if manage and not can_manage_notice(request.user, case):
        raise PermissionDenied(MANAGE_REFUSED)
    return objection


def _list_url(case: Case) -> str:
    return reverse("admin:notices_objections", args=[case.pk])


def _page_url(objection) -> str:
    return reverse("admin:notices_objection", args=[objection.pk])


def case_objections(request, admin_site, case_pk: int, *, form=None):
    """公示异议: every objection to the case's notice, and the paper form."""
    case = _case_for(request, case_pk)
    may_manage = can_manage_notice(request.user, case)
    notice = selectors.notice_of_case(case=case)
    rows = [(o, objection_selectors.objection_state_text(o)) for o in objection_selectors.objections_for_case(case)]
    if form is None and may_manage and notice is not None:
        owners, rooms = objection_selectors.unit_owners(case=case)
        form = PaperObjectionForm(
            owners=owners, rooms=rooms, initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)}
        )
    context = {
        **admin_site.each_context(request),
        "title": _("公示异议"),
        "subtitle": None,
        "case": case,
        "notice": notice,
        "rows": rows,
        "open_count": sum(1 for o, _s in rows if o.state != ObjectionState.CLOSED),
        "may_manage": may_manage,
        "paper_form": form,
    }
    return TemplateResponse(request, "notices/staff/objections.html", context)


@require_POST
def paper_add(request, admin_site, case_pk: int):
    case = _case_for(request, case_pk)
    if not can_manage_notice(request.user, case):
        raise PermissionDenied(MANAGE_REFUSED)
    owners, rooms = objection_selectors.unit_owners(case=case)
    form = PaperObjectionForm(request.POST, request.FILES, owners=owners, rooms=rooms)
    if form.is_valid():
        try:
            objection = services_objections.objection_record_paper(
                case=case,
                actor=request.user,
                owner=form.cleaned_data["owner"],
                reasons=form.cleaned_data["reasons"],
                scan=form.cleaned_data["scan"],
                received_at=form.cleaned_data["received_at"],
                phone=form.cleaned_data["phone"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(
                request,
                _("已登记书面异议%(number)s%(late)s，请打印受理回执交异议人。")
                % {"number": objection.number, "late": _("（逾期提出）") if objection.late else ""},
            )
            return redirect(_page_url(objection))
    return case_objections(request, admin_site, case_pk, form=form)


def objection_page(request, admin_site, pk: int, *, forms=None):
    """One objection: what was brought, its files, its handling timeline, the office's forms."""
    objection = _objection_for(request, pk)
    case = objection.notice.case
    # The objector's name, rooms, phone and reasons: who read them is in the log.
    if request.method == "GET":
        audit.objection_viewed(objection=objection, actor=request.user)
    forms = forms or {}
    today = timezone.localdate()
    may_manage = can_manage_notice(request.user, case) and objection.state != ObjectionState.CLOSED
    context = {
        **admin_site.each_context(request),
        "title": _("公示异议 %(number)s") % {"number": objection.number},
        "subtitle": None,
        "case": case,
        "o": objection,
        # Masked; in full on the 显示 button, for the receiving office, logged (audit/reveal.py).
        "phone_shown": reveal.masked(request, key="objection.phone", obj=objection) if objection.phone else "",
        "received_at": objection_selectors.local_time(objection.received_at),
        "state": objection_selectors.objection_state_text(objection),
        "timeline": objection_selectors.objection_timeline(objection),
        "files": list(objection.files.all()),
        "may_manage": may_manage,
        # Two forms of the same fields on one page: their own ids, so each label finds its input.
        "contact_form": forms.get("contact")
        or ContactForm(initial={"kind": HandlingKind.CONTACT, "on": today}, auto_id="contact_%s"),
        "meeting_form": forms.get("meeting")
        or MeetingForm(initial={"kind": HandlingKind.MEETING, "on": today}, auto_id="meeting_%s"),
        "close_form": forms.get("close") or CloseForm(),
    }
    return TemplateResponse(request, "notices/staff/objection.html", context)


@require_POST
def handling_add(request, admin_site, pk: int):
    objection = _objection_for(request, pk, manage=True)
    meeting = request.POST.get("kind") == HandlingKind.MEETING
    form = (MeetingForm if meeting else ContactForm)(request.POST, auto_id="meeting_%s" if meeting else "contact_%s")
    if form.is_valid():
        try:
            services_objections.objection_record_handling(
                objection=objection,
                actor=request.user,
                kind=HandlingKind.MEETING if meeting else HandlingKind.CONTACT,
                on=form.cleaned_data["on"],
                how=form.cleaned_data["how"],
                attendees=form.cleaned_data.get("attendees", ""),
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("已登记调解会。") if meeting else _("已登记联系情况。"))
            return redirect(_page_url(objection))
    return objection_page(request, admin_site, pk, forms={"meeting" if meeting else "contact": form})


@require_POST
def close(request, admin_site, pk: int):
    objection = _objection_for(request, pk, manage=True)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services_objections.objection_close(
                objection=objection,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
                reply_text=form.cleaned_data["reply_text"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("异议已办结，请打印书面答复交异议人。"))
            return redirect(_page_url(objection))
    return objection_page(request, admin_site, pk, forms={"close": form})


def file_download(request, admin_site, pk: int):
    row = get_object_or_404(
        ObjectionFile.objects.select_related("objection__notice__case").filter(
            objection__notice__case__in=case_list_visible_to(user=request.user)
        ),
        pk=pk,
    )
    if not can_read_objections(request.user, row.objection.notice.case):
        raise PermissionDenied(READ_REFUSED)
    ext = {"image/png": "png", "image/jpeg": "jpg"}.get(row.content_type, "pdf")
    return private_file_response(
        request,
        file=row.file,
        filename=f"{row.objection.number}-{row.get_kind_display()}-{row.pk}.{ext}",
        content_type=row.content_type,
        refusal=None,
        log_download=functools.partial(audit.objection_file_downloaded, file=row),
    )


def receipt_pdf(request, admin_site, pk: int):
    objection = _objection_for(request, pk)
    return pdf_response(objection_pdf.receipt_pdf(objection), f"异议回执-{objection.number}.pdf")


def reply_pdf(request, admin_site, pk: int):
    objection = _objection_for(request, pk)
    if objection.state != ObjectionState.CLOSED:
        messages.error(request, _("异议尚未办结，还没有书面答复。"))
        return redirect(_page_url(objection))
    return pdf_response(objection_pdf.reply_pdf(objection), f"异议答复-{objection.number}.pdf")
