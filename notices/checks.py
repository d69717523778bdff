"""What the notice says against approving step 2 (公示见证), registered with cases from
NoticesConfig.ready(): the period must be set and over, and a notice taken down early must
be published again. The dates are the step's (the one source of truth, see models.py)."""

import datetime
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.validators import format_day

from .models import Notice
from .selectors import early_take_down_warning


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
    """TODO(issue 13 §2, objections): name each objection still open on this notice (who,
    received when, its state) — step 2 may not be approved while one is. Nothing to ask yet:
    objections are not recorded before §2 adds their model."""
    return iter(())
