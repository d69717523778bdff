"""The notice as staff see it: the case page's line (registered in apps.py: one query), the
notice page it leads to (the period, where it is posted, the printed version, the photos
and what to look at) and the office's actions, served inside the admin
(NoticeAdmin.get_urls).

Who sees what: whoever sees the case (`case_list_visible_to`; another office's case is a
404 whatever the ID) reads the page and downloads the photos (each download logged); the
receiving office (`permissions.can_manage_notice`) publishes, adds photos and records a
take-down; anyone else gets a 403 on those."""

from __future__ import annotations

import datetime
import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.downloads import private_file_response
from cases.models import Case
from cases.selectors import case_list_visible_to

from . import audit, selectors, services
from .forms import PhotoForm, PublishForm, TakeDownForm
from .models import NoticePhoto, NoticePlace
from .permissions import can_manage_notice


def panel_context(*, request, case) -> dict | None:
    """The case page's line, for staff who see the case. It reads nothing: the period is on
    step 2, which the page's timeline (`cases.selectors.case_timeline`, in the page's
    context) has loaded already; whether the notice is published, its photos and what to
    look at are on the notice page the line leads to, and an early take-down also stops
    step 2's approval (notices.checks), where it matters. The case page is at its
    benchmark limit (README), so the line costs no query at any step."""
    if not request.user.is_staff:
        return None
    return {"today": timezone.localdate()}


def _case_for(request, case_pk: int) -> Case:
    return get_object_or_404(
        case_list_visible_to(user=request.user).select_related("jurisdiction", "unit__building"), pk=case_pk
    )


def _managed_case(request, case_pk: int) -> Case:
    case = _case_for(request, case_pk)
    if not can_manage_notice(request.user, case):
        raise PermissionDenied(_("只有受理本案的区住建部门可以发布和管理公示。"))
    return case


def _page_url(case: Case) -> str:
    return reverse("admin:notices_case_notice", args=[case.pk])


def case_notice(request, admin_site, case_pk: int, *, forms=None):
    """公示与张贴照片: the notice of one case and the office's forms."""
    case = _case_for(request, case_pk)
    notice = selectors.notice_of_case(case=case)
    photos = selectors.notice_photos(notice=notice) if notice else []
    step = case.steps.get(number=2)
    may_manage = can_manage_notice(request.user, case)
    forms = forms or {}
    days = case.jurisdiction.notice_days
    today = timezone.localdate()
    initial_start = (notice.start if notice else None) or step.notice_start or today
    initial_end = (
        (notice.end if notice else None) or step.notice_end or initial_start + datetime.timedelta(days=days - 1)
    )
    context = {
        **admin_site.each_context(request),
        "title": _("公示与张贴照片"),
        "subtitle": None,
        "case": case,
        "step": step,
        "notice": notice,
        "photos": [(p, notice.start and selectors.photo_outside_period(p, notice.start, notice.end)) for p in photos],
        "notice_warnings": _page_warnings(notice, photos),
        "may_manage": may_manage,
        "notice_days": days,
        "publish_form": forms.get("publish")
        or PublishForm(
            initial={
                "start": initial_start,
                "end": initial_end,
                "places": [p for p in (notice.places if notice else [NoticePlace.UNIT, NoticePlace.BOARD])],
            }
        ),
        "photo_form": forms.get("photo") or PhotoForm(),
        "take_down_form": forms.get("take_down") or TakeDownForm(initial={"on": today}),
    }
    return TemplateResponse(request, "notices/staff/case_notice.html", context)


def _page_warnings(notice, photos) -> list[str]:
    if notice is None:
        return []
    warnings = selectors.notice_warnings(notice=notice, photos=photos)
    changed = selectors.period_changed_since_publication(notice=notice)
    return [changed, *warnings] if changed else warnings


def _show(request, result) -> None:
    for warning in result.warnings:
        messages.warning(request, warning)


@require_POST
def publish(request, admin_site, case_pk: int):
    case = _managed_case(request, case_pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            result = services.notice_publish(
                case=case,
                actor=request.user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                places=form.cleaned_data["places"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(
                request,
                _("已发布公示，并生成公示书第%(version)s版，请打印张贴。")
                % {"version": result.notice.document.version},
            )
            _show(request, result)
            return redirect(_page_url(case))
    return case_notice(request, admin_site, case_pk, forms={"publish": form})


@require_POST
def photo_add(request, admin_site, case_pk: int):
    case = _managed_case(request, case_pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = services.notice_photo_add(
                case=case, actor=request.user, upload=form.cleaned_data["image"], taken_by=form.cleaned_data["taken_by"]
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("已上传张贴照片“%(name)s”。") % {"name": result.photo.original_name})
            _show(request, result)
            return redirect(_page_url(case))
    return case_notice(request, admin_site, case_pk, forms={"photo": form})


@require_POST
def take_down(request, admin_site, case_pk: int):
    case = _managed_case(request, case_pk)
    form = TakeDownForm(request.POST)
    if form.is_valid():
        try:
            result = services.notice_take_down(
                case=case, actor=request.user, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("已登记公示撤下。"))
            _show(request, result)
            return redirect(_page_url(case))
    return case_notice(request, admin_site, case_pk, forms={"take_down": form})


def photo_download(request, admin_site, pk: int):
    photo = get_object_or_404(
        NoticePhoto.objects.select_related("notice__case").filter(
            notice__case__in=case_list_visible_to(user=request.user)
        ),
        pk=pk,
    )
    ext = "png" if photo.content_type == "image/png" else "jpg"
    return private_file_response(
        request,
        file=photo.image,
        filename=f"{photo.notice.case.number}-公示张贴照片-{photo.pk}.{ext}",
        content_type=photo.content_type,
        refusal=None,
        log_download=functools.partial(audit.notice_photo_downloaded, photo=photo),
    )
