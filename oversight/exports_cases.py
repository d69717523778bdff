"""The case list's export: the case list (cases/case_list.py) is drawn without the admin's
ChangeList, with filters of its own (待谁办理, 办理时限, the due-date order). Its cases are
read through `case_list_query`, the function the page reads them with, and their columns
through `page_values`, the page's one query per page, here per chunk of 500: the same
columns the page shows (剩余工作日 included), as text."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.admin.options import IncorrectLookupParameters
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import selectors
from cases.case_list import ORDER, case_list_query, page_values
from cases.deadlines import working_days_left
from cases.models import CaseStatus, Jurisdiction
from cases.workflow import STEP_CHOICES, StepState

from .exports import CHUNK_ROWS, ExportTable, cell_text


def case_table(*, model_admin, request, full: bool) -> ExportTable:
    found = case_list_query(model_admin, request)
    if found is None:
        # A query string the case list does not take (an unknown filter, a value none of its
        # choices has): the page hands it to the admin's changelist; the export says so.
        raise IncorrectLookupParameters
    queryset, term = found.queryset, found.term
    headers = [
        _("案件编号"),
        _("梯号"),
        _("辖区"),
        _("当前程序"),
        _("待谁办理"),
        _("办理时限"),
        _("剩余工作日"),
        _("超期"),
        _("状态"),
        _("立案日期"),
    ]
    total = queryset.count()

    def rows() -> Iterator[list]:
        offices = dict(Jurisdiction.objects.values_list("pk", "name"))
        steps = {value: str(label) for value, label in STEP_CHOICES}
        statuses = {value: str(label) for value, label in CaseStatus.choices}
        provisional, overdue = _("暂定"), _("已超期")
        zone, today = timezone.get_current_timezone(), found.today
        start = 0
        while True:
            # The page's own query, 500 cases at a time, in the list's order.
            values = page_values(
                queryset[start : start + CHUNK_ROWS], searched=bool(term), today=today, due_order=ORDER in found.chosen
            )
            for case in values:
                state, department, due = case["current_state"], case["current_department"], case["current_due"]
                if state != StepState.SUBMITTED:
                    due = None
                left = working_days_left(today=today, due=due, shift=case["current_due_shift"])
                yield [
                    cell_text(case["number"], full=full),
                    cell_text(case["unit__building__address"] + case["unit__name"], full=full),
                    offices.get(case["jurisdiction_id"], ""),
                    steps.get(case["current_step"], case["current_step"]),
                    selectors.step_waiting_for(state=state, department=department) or "",
                    (due.isoformat() + (f" {provisional}" if case["current_due_provisional"] else "")) if due else "",
                    left,
                    overdue if selectors.step_overdue(state=state, due_date=due, today=today) else "",
                    statuses.get(case["status"], ""),
                    case["opened_at"].astimezone(zone).date().isoformat(),
                ]
            if len(values) < CHUNK_ROWS:
                return
            start += CHUNK_ROWS

    return ExportTable(title=_("案件"), headers=headers, total=total, rows=rows)
