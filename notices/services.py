"""Every write of the public notice: publishing it, adding a photo of it posted, recording
its take-down. Each runs in one transaction that locks the case row first (docs/locking.md:
the case, then the step through `cases.services`), checks who acts, writes, and logs.

Publishing prints the notice inside its transaction, after the period is set, so the
version posted carries exactly these dates; the case stays locked while WeasyPrint works
(about a second, once per case), which keeps the period, the printed version and the
record all or nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import validators
from cases.files import FilesWritten
from cases.models import Case
from cases.services import step_set_notice_period
from documents.models import DocumentTemplate
from documents.services import document_render

from . import audit
from .models import Notice, NoticePhoto, NoticePlace, TakenAtSource
from .permissions import can_manage_notice
from .photos import inspect_photo
from .selectors import early_take_down_warning, notice_warnings, photo_outside_period


@dataclass(frozen=True)
class NoticeResult:
    notice: Notice
    warnings: list[str] = field(default_factory=list)
    photo: NoticePhoto | None = None


def _lock_case(case: Case) -> Case:
    Case.objects.select_for_update(no_key=True).only("pk").get(pk=case.pk)
    return Case.objects.select_related("jurisdiction", "unit__building").get(pk=case.pk)


def _check_actor(actor, case: Case) -> None:
    if actor is not None and not can_manage_notice(actor, case):
        raise PermissionDenied(_("只有受理本案的区住建部门可以发布和管理公示。"))


def _locked_notice(case: Case) -> Notice:
    notice = Notice.objects.select_related("step", "document", "case").filter(case_id=case.pk).first()
    if notice is None:
        raise ValidationError(_("本案尚未发布公示。"), code="not_published")
    return notice


def notice_publish(*, case: Case, actor, start: datetime.date, end: datetime.date, places) -> NoticeResult:
    """Publish step 2's notice: set its period on the step (at least the jurisdiction's
    notice_days; `cases.services.step_set_notice_period` checks it), print the notice with
    those dates as the version to post, and record where it is posted. Publishing again
    (a corrected period, after an early take-down) replaces what is posted."""
    places = [p for p in NoticePlace.values if p in set(places or ())]
    unknown = set(places or ()) - set(NoticePlace.values)
    if unknown:
        raise ValidationError(_("未知的张贴位置：%(places)s") % {"places": "、".join(sorted(unknown))})
    # The portal shows the notice to the unit's owners for its whole period (issue 13).
    if NoticePlace.ONLINE not in places:
        places.append(NoticePlace.ONLINE)
    if not any(p != NoticePlace.ONLINE for p in places):
        raise ValidationError(_("请选择公示张贴的位置（单元门口或小区公告栏）。"), code="places_required")
    with transaction.atomic():
        case = _lock_case(case)
        _check_actor(actor, case)
        step = case.steps.get(number=2)
        # The period: validated and stored once, on the step (one source of truth).
        step = step_set_notice_period(step=step, actor=actor, start=start, end=end)
        rendered = document_render(case=case, template=DocumentTemplate.NOTICE, actor=actor)
        notice = Notice.objects.filter(case_id=case.pk).first() or Notice(case=case, step=step)
        notice.step = step
        notice.document = rendered.record
        notice.places = places
        notice.published_at = timezone.now()
        notice.published_by = actor if getattr(actor, "pk", None) else None
        notice.taken_down_on, notice.taken_down_reason, notice.taken_down_by = None, "", None
        notice.save()
        audit.notice_published(notice=notice, actor=actor)
    return NoticeResult(notice=notice, warnings=notice_warnings(notice=notice, photos=list(notice.photos.all())))


def notice_photo_add(*, case: Case, actor, upload, taken_by: str) -> NoticeResult:
    """A photo of the posted notice. Its time taken is the camera's (EXIF DateTimeOriginal)
    where present, else the upload's; a photo dated outside the period is kept and pointed
    out (it may be the take-down's proof, or a mistake the office should see)."""
    taken_by = (taken_by or "").strip()
    if not taken_by:
        raise ValidationError(_("请填写拍摄人。"), code="taken_by_required")
    facts = inspect_photo(upload)
    now = timezone.now()
    with FilesWritten() as written, transaction.atomic():
        case = _lock_case(case)
        _check_actor(actor, case)
        notice = _locked_notice(case)
        if facts.taken_at is not None and facts.taken_at > now + datetime.timedelta(days=1):
            raise ValidationError(_("照片的拍摄时间晚于今天，请检查相机的日期设置。"), code="taken_in_future")
        photo = NoticePhoto(
            notice=notice,
            original_name=facts.upload.name,
            content_type=facts.upload.content_type,
            size=facts.upload.size,
            sha256=facts.upload.sha256,
            taken_at=facts.taken_at or now,
            taken_at_source=TakenAtSource.EXIF if facts.taken_at else TakenAtSource.UPLOAD,
            taken_by=taken_by[:64],
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            uploaded_at=now,
        )
        photo.image.save(facts.upload.name, upload, save=False)
        written.add(photo.image)
        photo.save()
        audit.notice_photo_added(photo=photo, actor=actor)
    # This photo's warning only (the notice's own, such as an early take-down, stay on its page).
    outside = notice.start and notice.end and photo_outside_period(photo, notice.start, notice.end)
    warnings = [w for w in notice_warnings(notice=notice, photos=[photo]) if outside and photo.original_name in w]
    return NoticeResult(notice=notice, photo=photo, warnings=warnings)


def notice_take_down(*, case: Case, actor, on: datetime.date, reason: str = "") -> NoticeResult:
    """Record the day the notice came down. Before the period's end it is an early
    take-down: the reason is required, and step 2 is not approved until the notice is
    published again (notices.checks)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        case = _lock_case(case)
        _check_actor(actor, case)
        notice = _locked_notice(case)
        if notice.taken_down_on is not None:
            raise ValidationError(_("公示已登记撤下，不能重复登记。"), code="already_taken_down")
        validators.validate_date_in_range(on, what=_("撤下日期"))
        if on < notice.start:
            raise ValidationError(_("撤下日期不能早于公示开始日期。"), code="before_start")
        if on > timezone.localdate():
            raise ValidationError(_("撤下日期不能晚于今天。"), code="in_future")
        if on < notice.end and not reason:
            raise ValidationError(_("公示期未满提前撤下的，须写明原因。"), code="reason_required")
        notice.taken_down_on, notice.taken_down_reason = on, reason
        notice.taken_down_by = actor if getattr(actor, "pk", None) else None
        notice.save(update_fields=["taken_down_on", "taken_down_reason", "taken_down_by"])
        audit.notice_taken_down(notice=notice, actor=actor)
    early = early_take_down_warning(notice)
    return NoticeResult(notice=notice, warnings=[early] if early else [])
