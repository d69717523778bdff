"""Reads of the notice: the case's notice with its photos, what to point out about them, the
case page's one-query summary, and what an owner of the unit sees."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from cases.models import Case
from cases.validators import format_day

from .models import Notice, NoticePhoto


def notice_of_case(*, case: Case) -> Notice | None:
    """The case's notice with its step (the dates) and the posted document; None before it
    is published."""
    return (
        Notice.objects.select_related("step", "document", "published_by", "taken_down_by")
        .filter(case_id=case.pk)
        .first()
    )


def notice_photos(*, notice: Notice) -> list[NoticePhoto]:
    return list(notice.photos.select_related("uploaded_by").order_by("taken_at", "pk"))


def photo_outside_period(photo: NoticePhoto, start: datetime.date, end: datetime.date) -> bool:
    taken = timezone.localdate(photo.taken_at)
    return taken < start or taken > end


def early_take_down_warning(notice: Notice) -> str | None:
    if not notice.taken_down_early:
        return None
    return _("公示于%(on)s提前撤下（原因：%(reason)s），早于公示期结束日%(end)s。") % {
        "on": format_day(notice.taken_down_on),
        "reason": notice.taken_down_reason or _("未写原因"),
        "end": format_day(notice.end),
    }


def notice_warnings(*, notice: Notice, photos: list[NoticePhoto]) -> list[str]:
    """What the office should look at: an early take-down, a photo dated outside the period
    (the photo does not prove the notice was up during it)."""
    warnings = []
    early = early_take_down_warning(notice)
    if early:
        warnings.append(early)
    start, end = notice.start, notice.end
    if start and end:
        for photo in photos:
            if photo_outside_period(photo, start, end):
                warnings.append(
                    _("照片“%(name)s”拍摄于%(when)s（%(source)s），不在公示期%(start)s至%(end)s内。")
                    % {
                        "name": photo.original_name,
                        "when": dateformat.format(timezone.localtime(photo.taken_at), _("Y年n月j日 H:i")),
                        "source": photo.get_taken_at_source_display(),
                        "start": format_day(start),
                        "end": format_day(end),
                    }
                )
    return warnings


def period_changed_since_publication(*, notice: Notice) -> str | None:
    """The period set again on the step (the "登记公示期" action) after the notice was
    published: the posted version prints the old dates. One query, on the notice page."""
    changed = AuditEvent.objects.filter(
        case_id=notice.case_id, event="notice_period_set", created_at__gt=notice.published_at
    ).exists()
    if not changed:
        return None
    return _(
        "公示期在发布后被修改为%(start)s至%(end)s，张贴的公示书（第%(version)s版）印的仍是原来的日期：请重新发布公示。"
    ) % {"start": format_day(notice.start), "end": format_day(notice.end), "version": notice.document.version}


# --- the owners' portal ----------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerNotice:
    notice: Notice | None
    running: bool  # published, within its period and not taken down: what the portal shows
    state: str  # one plain sentence for the owner


def notice_for_owner(case: Case, today: datetime.date) -> OwnerNotice:
    """What an owner of the unit sees of the notice (the caller found the case through
    `owners.selectors.case_for_owner`): the notice, shown online for its whole period."""
    notice = notice_of_case(case=case)
    if notice is None or notice.start is None or notice.end is None:
        return OwnerNotice(notice=None, running=False, state=_("本单元的增设电梯公示还没有发布。"))
    if notice.taken_down_on is not None and notice.taken_down_on <= today and notice.taken_down_early:
        return OwnerNotice(
            notice=notice,
            running=False,
            state=_("公示已于%(on)s撤下。如有疑问请联系受理部门。") % {"on": format_day(notice.taken_down_on)},
        )
    if today < notice.start:
        return OwnerNotice(
            notice=notice, running=False, state=_("公示将于%(start)s开始。") % {"start": format_day(notice.start)}
        )
    if today > notice.end:
        return OwnerNotice(
            notice=notice,
            running=False,
            state=_("公示期已于%(end)s结束。") % {"end": format_day(notice.end)},
        )
    return OwnerNotice(
        notice=notice,
        running=True,
        state=_("正在公示：%(start)s至%(end)s，还有%(days)s天结束。")
        % {"start": format_day(notice.start), "end": format_day(notice.end), "days": (notice.end - today).days + 1},
    )
