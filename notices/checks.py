"""What the notice says against approving step 2 (公示见证), registered with cases from
NoticesConfig.ready(): the period must be set and over, and a notice taken down early must
be published again. The dates are the step's (the one source of truth, see models.py)."""

import datetime
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.validators import format_day

from .models import Notice, ObjectionChannel, ObjectionState
from .selectors import early_take_down_warning
from .selectors_objections import handling_counts, local_time, open_objections


def notice_approval_problems(*, step) -> Iterator[str]:
    if step.notice_end is None:
        yield _("尚未登记公示期：请先发布公示。")
        return
    today = timezone.localdate()
    if today <= step.notice_end:
        yield _("公示期为%(start)s至%(end)s，今天是%(today)s：公示期结束后（%(after)s起）方可通过。") % {
            "start": format_day(step.notice_start),
            "end": format_day(step.notice_end),
            "today": format_day(today),
            "after": format_day(step.notice_end + datetime.timedelta(days=1)),
        }
    notice = Notice.objects.filter(step_id=step.pk).select_related("step").first()
    if notice is not None and notice.taken_down_early:
        yield early_take_down_warning(notice) + _("公示未满公示期，须重新发布公示后方可通过。")
    yield from open_objection_problems(step=step, notice=notice)


def open_objection_problems(*, step, notice) -> Iterator[str]:
    """Each objection to this notice still open, by its number, who, when and how it stands:
    step 2 is not approved until every one is closed with its written reply (a late one
    too: it was recorded, so it is answered)."""
    if notice is None:
        return
    for objection in open_objections(notice=notice):
        contacts, meetings = handling_counts(objection)
        if objection.state == ObjectionState.RECEIVED:
            state = _("已受理，尚未联系异议人")
        else:
            state = _("处理中：已联系%(c)s次，召开调解会%(m)s次") % {"c": contacts, "m": meetings}
        yield _(
            "异议%(number)s（%(name)s，%(rooms)s室，%(when)s%(channel)s%(late)s）尚未办结（%(state)s）："
            "须登记处理结果并书面答复异议人后方可通过。"
        ) % {
            "number": objection.number,
            "name": objection.name,
            "rooms": objection.rooms,
            "when": local_time(objection.received_at),
            "channel": _("网上提出") if objection.channel == ObjectionChannel.ONLINE else _("书面递交"),
            "late": _("，逾期") if objection.late else "",
            "state": state,
        }
