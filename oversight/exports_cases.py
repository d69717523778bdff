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
from cases.deadlines import provisional_due, working_days_left
from cases.models import CaseStatus, Jurisdiction
from cases.views import QUEUE_COLUMNS
from cases.workflow import PROCEDURE_BY_NUMBER, STEP_CHOICES, StepState
from upkeep.selectors import managed_registers

from .exports import CHUNK_ROWS, ExportTable, cell_text, changelist_table
from .exports_admin import format_links

# My queue (cases.views.my_queue) is exported through the case list's own address with
# `?list=queue` alone: the same permission (whoever sees cases), the same background jobs.
QUEUE = "queue"


def queue_links(request) -> list[dict]:
    """The links above my queue (cases.extensions.register_list_links)."""
    return format_links("cases", "case", f"list={QUEUE}")


def queue_table(*, request, full: bool) -> ExportTable:
    """Every step of my queue, in the page's order, with the page's columns."""
    if set(request.GET) != {"list"}:
        raise IncorrectLookupParameters
    steps = (
        selectors.step_queue_for(user=request.user)
        .annotate(due_provisional=provisional_due("due_date"))
        .values(*QUEUE_COLUMNS, "due_provisional")
    )
    headers = [_("案件编号"), _("梯号"), _("程序"), _("状态"), _("申报时间"), _("办理时限"), _("超期")]

    def rows() -> Iterator[list]:
        provisional, overdue = _("暂定"), _("已超期")
        for step in steps.iterator(chunk_size=CHUNK_ROWS):
            due = step["due_date"]
            yield [
                cell_text(step["case__number"], full=full),
                cell_text(step["case__unit__building__address"] + step["case__unit__name"], full=full),
                f"{step['number']}. {PROCEDURE_BY_NUMBER[step['number']].name}",
                str(StepState(step["state"]).label),
                timezone.localtime(step["submitted_at"]).strftime("%Y-%m-%d %H:%M") if step["submitted_at"] else "",
                (due.isoformat() + (f" {provisional}" if step["due_provisional"] else "")) if due else "",
                overdue if selectors.step_overdue(state=step["state"], due_date=due) else "",
            ]

    return ExportTable(title=_("我的待办"), headers=headers, total=steps.count(), rows=rows)


def case_table(*, model_admin, request, full: bool) -> ExportTable:
    if request.GET.get("list") == QUEUE:
        return queue_table(request=request, full=full)
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


# 我管理的电梯 (upkeep.staff.my_registers), the using unit's own list: through the registers'
# export address with `?list=mine` alone (the registers' list itself sends a using unit there).
MINE = "mine"


def mine_links(request) -> list[dict]:
    return format_links("upkeep", "register", f"list={MINE}")


def register_table(*, model_admin, request, full: bool) -> ExportTable:
    if request.GET.get("list") != MINE:
        return changelist_table(model_admin=model_admin, request=request, full=full)
    if set(request.GET) != {"list"}:
        raise IncorrectLookupParameters
    rows_found = managed_registers(user=request.user, today=timezone.localdate())
    headers = [_("案件编号"), _("梯号"), _("地址"), _("96196应急救援识别码"), _("使用单位"), _("到期提醒")]

    def rows() -> Iterator[list]:
        for row in rows_found:
            yield [
                cell_text(row.case.number, full=full),
                cell_text(str(row.case.unit), full=full),
                cell_text(row.case.unit.building.address, full=full),
                cell_text(row.register.rescue_code, full=full),
                cell_text(row.register.using_unit_name, full=full),
                cell_text("；".join(text for _warning, text in row.warnings), full=full),
            ]

    return ExportTable(title=_("我管理的电梯"), headers=headers, total=len(rows_found), rows=rows)
