"""公示: the unit's public notice as its owners read it in the portal (issue 13 §1), for its
whole period: the dates, where it is posted, and the printed notice (downloaded through the
documents page's own link, `owners:document_download`, which owners may read).

The case is found through `owners.selectors.case_for_owner` (another unit's case is a 404);
what is shown is `notices.selectors.notice_for_owner`."""

from django.utils import timezone

from notices.selectors import notice_for_owner
from notices.selectors_objections import objection_window

from . import selectors
from .views import owner_required, page


@owner_required
def notice(request, pk: int):
    case = selectors.case_for_owner(user=request.user, pk=pk)
    today = timezone.localdate()
    shown = notice_for_owner(case, today)
    window = objection_window(case, today)
    context = {
        "nav": "home",
        "case": case,
        "shown": shown,
        "notice": shown.notice,
        "places": shown.notice.place_labels() if shown.notice else [],
        # Objections: from the first day on, late after the last, none once the case ended.
        "may_object": window.open,
        "objection_late": window.late,
    }
    return page(request, "notices/owner_notice.html", context)
