"""电梯使用: the elevator after it runs, as the unit's owners read it in the portal (issue
14): the warnings (inspection, contract, registration, maintenance), the 96196 rescue code,
who looks after it, and the running costs published to them with each flat's amount.

The case is found through `owners.selectors.case_for_owner` (another unit's case is a 404);
a case not completed has no register (404). What is shown is `upkeep.selectors.owner_view`."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseStatus
from cases.numbers import format_percent
from upkeep.selectors import owner_view

from . import selectors
from .views import owner_required, page


@owner_required
def upkeep(request, pk: int):
    case = selectors.case_for_owner(user=request.user, pk=pk)
    if case.status != CaseStatus.COMPLETED:
        raise Http404(_("电梯安装完成后才有电梯使用信息。"))
    shown = owner_view(case=case, person_id=request.user.person_id, today=timezone.localdate())
    table = shown.table
    rows = []
    if table is not None:
        for row in table.rows:
            rows.append(
                {
                    "room": row.room,
                    "mine": row.room in shown.my_rooms,
                    "share": format_percent(row.share),
                    "amounts": [row.amounts[c.pk] for c in table.costs],
                    "total": sum(row.amounts.values()),
                }
            )
    context = {
        "nav": "home",
        "case": case,
        "register": shown.page.register,
        "warnings": shown.page.warnings,
        "contract": shown.page.current_contract,
        "inspection": shown.page.latest_inspection,
        "last_visit": shown.page.visits[0] if shown.page.visits else None,
        "table": table,
        "cost_heads": [f"{c.year}年{c.get_kind_display()}" for c in table.costs] if table else [],
        "cost_totals": [c.amount for c in table.costs] if table else [],
        "rows": rows,
        # The owner's own flats first, as a line each: the wide table scrolls on a phone.
        "my_lines": [
            {
                "room": r["room"],
                "parts": "、".join(
                    f"{head} {amount}元"
                    for head, amount in zip(
                        [f"{c.year}年{c.get_kind_display()}" for c in table.costs], r["amounts"], strict=True
                    )
                ),
                "total": r["total"],
            }
            for r in rows
            if r["mine"]
        ],
    }
    return page(request, "owners/upkeep.html", context)
