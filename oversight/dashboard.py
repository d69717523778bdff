"""The dashboards (监督看板, issue 16 §3): what the city supervisor reads across every office,
and a district's own staff across their district.

Who sees what. The offices a user may read come from `cases.selectors.jurisdiction_list_visible_to`
(isolation is written there once): the city supervisor and superusers every office, a
district officer and the department reviewers their own office (the reviewers read their
district's cases anyway, read-only). An applicant (agent builder, owner representative)
and a using unit's account have no dashboard: they see their own cases or elevators, not an
office's. The city may narrow the page to one office (`?office=<id>`); an office the user
may not read is a 404, like another district's case.

What it costs. Each figure is one or two aggregate queries over the chosen offices (GROUP BY
office, procedure, month), whatever the number of cases; the holiday calendar is read once.
Only two figures read rows: the working days per procedure (the last twelve months'
approvals; in a scope of more than `SAMPLE_CASES` cases, those of an even sample of cases)
and the inspections falling due (the registers whose certificate runs out within a bound
the database filters on, then the exact working-day rule of upkeep/rules.py on those few).
The charts and the tables' rows are written in Python (oversight/charts.py, cases/tables.py).
"""

from __future__ import annotations

import bisect
import datetime
import statistics
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case as SqlCase
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Trunc, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cases.deadlines import WorkCalendar, load_calendar, shift_of, weekdays_between
from cases.models import Case, CaseStatus, ProcedureStep
from cases.numbers import format_percent
from cases.roles import Role, is_city_wide, roles_of
from cases.selectors import jurisdiction_list_visible_to
from cases.tables import Cell, rows_html
from cases.workflow import PROCEDURES, StepState
from funding.models import KIND_DIRECTION, FundingSource, LedgerDirection, LedgerEntry
from upkeep import rules
from upkeep.models import Inspection, Register
from voting.models import Vote, VoteState

from .charts import Series, hbar, line, svg

MONTHS = 12  # opened and completed per month: this month and the eleven before
SAMPLE_CASES = 400  # above this many cases in scope, the medians are taken over an even sample
# The roles with an office's dashboard (their own office); the city-wide role has every office.
OFFICE_ROLES = frozenset(
    {
        Role.DISTRICT_OFFICER,
        Role.PLANNING_REVIEWER,
        Role.URBAN_REVIEWER,
        Role.MARKET_REVIEWER,
        Role.FUND_REVIEWER,
    }
)
# Cases whose money still counts: running or done (a rejected or withdrawn case raises nothing more).
LIVE = (CaseStatus.OPEN, CaseStatus.COMPLETED)
IN_KINDS = tuple(kind for kind, direction in KIND_DIRECTION.items() if direction == LedgerDirection.IN)
ZERO = Decimal("0.00")


def may_see_dashboard(user) -> bool:
    """The city supervisor and superusers; an office's own staff (officer or reviewer) with
    their office set. Never an applicant's or a using unit's account."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if is_city_wide(user):
        return True
    roles = roles_of(user)
    if Role.AGENT_BUILDER in roles or Role.USING_UNIT in roles:
        return False
    return user.jurisdiction_id is not None and bool(roles & OFFICE_ROLES)


@dataclass(frozen=True)
class Scope:
    """The offices the page reads: every office the user may read, or the one chosen."""

    offices: list[tuple[int, str]]  # (pk, name) the user may read, in the offices' order
    chosen: int | None  # narrowed to this office (`?office=`)
    city_wide: bool

    @property
    def shown(self) -> list[tuple[int, str]]:
        if self.chosen is None:
            return self.offices
        return [(pk, name) for pk, name in self.offices if pk == self.chosen]

    @property
    def ids(self) -> list[int]:
        return [pk for pk, _name in self.shown]

    @property
    def single(self) -> bool:
        return len(self.shown) == 1

    def where(self, path: str = "jurisdiction_id") -> Q:
        """The condition on the office at `path`; none for the whole city (every case is in
        one of its offices), which spares the figures on steps a join with the cases."""
        if self.city_wide and self.chosen is None:
            return Q()
        return Q(**{f"{path}__in": self.ids})


def dashboard_scope(*, user, office: str | None = None) -> Scope:
    """The offices the user's dashboard reads (one query). PermissionDenied for a user with
    no dashboard; Http404 for an office they may not read, or one that does not exist."""
    if not may_see_dashboard(user):
        raise PermissionDenied(_("监督看板仅供市住建局督导及各辖区工作人员查看。"))
    offices = list(jurisdiction_list_visible_to(user=user).values_list("pk", "name"))
    chosen = None
    if office not in (None, ""):
        if not (office.isascii() and office.isdigit()) or len(office) > 9 or int(office) not in dict(offices):
            raise Http404(_("没有这个辖区，或您无权查看。"))
        chosen = int(office)
    return Scope(offices=offices, chosen=chosen, city_wide=is_city_wide(user))


# --- figures --------------------------------------------------------------------------------------


@dataclass
class Table:
    """The numbers beside a chart: a header row, rows (first cell the row's name), a total."""

    columns: list[str]
    rows: list[list]
    total: list | None = None

    @property
    def body(self) -> SafeString:
        """The rows as HTML (cases/tables.py: a template loop costs ~10 µs a cell)."""
        return rows_html([[Cell(row[0], header=True), *(Cell(value, "num") for value in row[1:])] for row in self.rows])


@dataclass
class Figure:
    key: str
    title: str
    note: str
    table: Table
    chart: dict | None

    @property
    def empty(self) -> bool:
        return self.chart is None

    @property
    def svg(self) -> SafeString:
        return svg(self.chart) if self.chart is not None else SafeString("")


@dataclass
class Dashboard:
    scope: Scope
    today: datetime.date
    figures: list[Figure]
    headline: dict


def dashboard(*, scope: Scope, today: datetime.date | None = None) -> Dashboard:
    """Every figure of the page, for the scope's offices."""
    today = today or timezone.localdate()
    calendar = load_calendar()
    cases, headline = _cases_by_step(scope)
    overdue, overdue_count = _overdue(scope, today=today)
    headline["overdue"] = overdue_count
    figures = [
        cases,
        _per_month(scope, today=today),
        _median_days(
            scope,
            calendar=calendar,
            cases=headline["open"] + headline["completed"] + headline["ended"],
            since=_since(today),
        ),
        overdue,
        _votes(scope),
        _elevators(scope, today=today, calendar=calendar),
        _money(scope),
    ]
    return Dashboard(scope=scope, today=today, figures=figures, headline=headline)


def _procedure_names() -> list[str]:
    return [f"{p.number}. {p.name}" for p in PROCEDURES]


def _cases_by_step(scope: Scope) -> tuple[Figure, dict]:
    """Open cases by office × current procedure, and every case by status (one query)."""
    counts: dict[tuple[int, int], int] = {}
    by_status: dict[str, int] = {}
    for office, status, step, n in (
        Case.objects.filter(scope.where())
        .values_list("jurisdiction_id", "status", "current_step")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_status[status] = by_status.get(status, 0) + n
        if status == CaseStatus.OPEN:
            counts[office, step] = counts.get((office, step), 0) + n
    numbers = [p.number for p in PROCEDURES]
    names = _procedure_names()
    headline = {
        "open": by_status.get(CaseStatus.OPEN, 0),
        "completed": by_status.get(CaseStatus.COMPLETED, 0),
        "ended": by_status.get(CaseStatus.REJECTED, 0) + by_status.get(CaseStatus.WITHDRAWN, 0),
    }
    title = _("办理中案件：辖区 × 当前程序")
    note = _("按案件当前所处程序统计办理中的案件（件）。")
    if scope.single:
        office = scope.ids[0]
        per_step = [counts.get((office, n), 0) for n in numbers]
        table = Table(
            columns=[_("当前程序"), _("案件数")],
            rows=[[name, value] for name, value in zip(names, per_step, strict=True)],
            total=[_("合计"), sum(per_step)],
        )
        chart = hbar(
            key="cases",
            title=title,
            description=_("各程序办理中的案件数"),
            categories=names,
            series=[Series(_("案件数"), per_step)],
        )
    else:
        matrix = [[counts.get((pk, n), 0) for n in numbers] for pk, _name in scope.shown]
        table = Table(
            columns=[_("辖区"), *[str(n) for n in numbers], _("合计")],
            rows=[[name, *row, sum(row)] for (_pk, name), row in zip(scope.shown, matrix, strict=True)],
            total=[_("合计"), *[sum(col) for col in zip(*matrix, strict=True)], sum(map(sum, matrix))]
            if matrix
            else None,
        )
        chart = hbar(
            key="cases",
            title=title,
            description=_("各辖区办理中的案件，按当前程序分段"),
            categories=[name for _pk, name in scope.shown],
            series=[Series(name, [row[i] for row in matrix]) for i, name in enumerate(names)],
            stacked=True,
            skip_empty=True,
        )
    return Figure("cases", title, note, table, chart), headline


def _month_starts(today: datetime.date) -> list[datetime.date]:
    first = today.replace(day=1)
    months = []
    for back in range(MONTHS - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(datetime.date(year, month + 1, 1))
    return months


def _since(today: datetime.date) -> datetime.datetime:
    """The start of the twelve months the page counts: the first of the month, eleven
    months ago, at midnight in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(_month_starts(today)[0], datetime.time.min))


def _per_month(scope: Scope, *, today: datetime.date) -> Figure:
    """Cases opened and completed per month, the last twelve months (two queries), counted
    in the portal's time zone."""
    months = _month_starts(today)
    since = _since(today)
    cases = Case.objects.filter(scope.where())

    def per_month(field_name: str, qs) -> dict[datetime.date, int]:
        month = Trunc(field_name, "month", output_field=DateField())
        return dict(
            qs.filter(**{f"{field_name}__gte": since})
            .annotate(month=month)
            .values_list("month")
            .annotate(n=Count("pk"))
            .order_by()
        )

    opened = per_month("opened_at", cases)
    completed = per_month("closed_at", cases.filter(status=CaseStatus.COMPLETED))
    labels = [f"{m:%Y-%m}" for m in months]
    opened_row = [opened.get(m, 0) for m in months]
    completed_row = [completed.get(m, 0) for m in months]
    title = _("每月立案与办结")
    table = Table(
        columns=[_("月份"), _("立案"), _("办结")],
        rows=[[label, o, c] for label, o, c in zip(labels, opened_row, completed_row, strict=True)],
        total=[_("合计"), sum(opened_row), sum(completed_row)],
    )
    chart = line(
        key="months",
        title=title,
        description=_("近12个月每月立案和办结的案件数"),
        categories=[f"{m:%y-%m}" for m in months],
        series=[Series(_("立案"), opened_row), Series(_("办结"), completed_row)],
    )
    return Figure("months", title, _("近12个月；办结指八项程序全部通过。"), table, chart)


class WorkingDayCounter:
    """Working days between two dates on the calendar loaded once, in O(log n) per pair
    (`WorkCalendar.working_days_between` reads every listed date each time)."""

    def __init__(self, calendar: WorkCalendar):
        self._seen: dict[tuple[datetime.date, datetime.date], int] = {}
        self.days = sorted(calendar.kinds)
        self.running = []
        total = 0
        for day in self.days:
            total += shift_of(day, calendar.kinds[day])
            self.running.append(total)

    def _shift_upto(self, day: datetime.date) -> int:
        i = bisect.bisect_right(self.days, day)
        return self.running[i - 1] if i else 0

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]; negative, as many, when end < start."""
        if end < start:
            return -self.between(end, start)
        known = self._seen.get((start, end))
        if known is None:  # many steps share their dates: each pair is counted once
            known = self._seen[start, end] = (
                weekdays_between(start, end) + self._shift_upto(end) - self._shift_upto(start)
            )
        return known


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def _days_text(value) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


def _median_days(scope: Scope, *, calendar: WorkCalendar, cases: int, since: datetime.datetime) -> Figure:
    """Median working days per procedure, from the step's start to its approval (全程) and
    from its submission to its approval (审查), over the approvals of the last twelve months:
    one query, no sort. With more than `SAMPLE_CASES` cases in scope, an even sample of the
    cases (every k-th by id, all of a sampled case's steps, so no procedure is favoured):
    the rows read stay about `SAMPLE_CASES` × 8 however many cases there are. `cases`: how
    many cases the scope holds (the first figure counted them)."""
    every = max(1, cases // SAMPLE_CASES)
    approved = ProcedureStep.objects.filter(
        scope.where("case__jurisdiction_id"),
        state=StepState.APPROVED,
        started_at__isnull=False,
        decided_at__gte=since,
    )
    if every > 1:
        approved = approved.annotate(bucket=F("case_id") % every).filter(bucket=0)
    ranked = (
        # Days in the portal's time zone, cut in the database: dates, not times, to count.
        approved.annotate(
            started_on=TruncDate("started_at"),
            submitted_on=TruncDate("submitted_at"),
            decided_on=TruncDate("decided_at"),
        )
        .values_list("number", "started_on", "submitted_on", "decided_on")
        .order_by()  # the steps' own order joins the cases to sort by their opening
    )
    counter = WorkingDayCounter(calendar)
    whole: dict[int, list[int]] = {}
    review: dict[int, list[int]] = {}
    for number, started, submitted, decided in ranked:
        whole.setdefault(number, []).append(counter.between(started, decided))
        if submitted is not None:
            review.setdefault(number, []).append(counter.between(submitted, decided))
    names = _procedure_names()
    medians = [_median(whole.get(p.number, [])) for p in PROCEDURES]
    reviews = [_median(review.get(p.number, [])) for p in PROCEDURES]
    title = _("各程序办理用时（工作日中位数）")
    table = Table(
        columns=[_("程序"), _("已通过（取样）"), _("全程"), _("审查")],
        rows=[
            [name, len(whole.get(p.number, [])), _days_text(m), _days_text(r)]
            for name, p, m, r in zip(names, PROCEDURES, medians, reviews, strict=True)
        ],
    )
    chart = hbar(
        key="days",
        title=title,
        description=_("各程序从开始到通过、从申报到通过的工作日数中位数"),
        categories=names,
        series=[Series(_("全程"), medians), Series(_("审查"), reviews)],
        fmt=_days_text,
        zero_is_data=True,  # a step approved the day it began took 0 working days
    )
    note = _(
        "全程：程序开始至通过；审查：申报至通过。按节假日安排计工作日，统计近12个月通过的程序；"
        "案件超过%(n)s件时按案件均匀抽样。"
    ) % {"n": SAMPLE_CASES}
    return Figure("days", title, note, table, chart)


def _overdue(scope: Scope, *, today: datetime.date) -> tuple[Figure, int]:
    """Cases whose current step waits for a department's decision, and of them the overdue:
    the case list's `?due=overdue` (the current step submitted, its due date before today);
    one query, by office and procedure."""
    running: dict[tuple[int, int], tuple[int, int]] = {}
    for office, number, waiting, late in (
        ProcedureStep.objects.filter(
            scope.where("case__jurisdiction_id"), state=StepState.SUBMITTED, number=F("case__current_step")
        )
        .values_list("case__jurisdiction_id", "number")
        .annotate(waiting=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today)))
        .order_by()
    ):
        running[office, number] = (waiting, late)
    if scope.single:
        office = scope.ids[0]
        keys = [(p.number, f"{p.number}. {p.name}") for p in PROCEDURES]
        pairs = [running.get((office, n), (0, 0)) for n, _name in keys]
        names = [name for _n, name in keys]
        first = _("程序")
    else:
        pairs = []
        for pk, _name in scope.shown:
            row = [v for (o, _n), v in running.items() if o == pk]
            pairs.append((sum(w for w, _l in row), sum(late for _w, late in row)))
        names = [name for _pk, name in scope.shown]
        first = _("辖区")
    total_waiting = sum(w for w, _l in pairs)
    total_late = sum(late for _w, late in pairs)
    title = _("待审查与超期")
    table = Table(
        columns=[first, _("待审查"), _("其中已超期")],
        rows=[[name, w, late] for name, (w, late) in zip(names, pairs, strict=True)],
        total=[_("合计"), total_waiting, total_late],
    )
    chart = hbar(
        key="overdue",
        title=title,
        description=_("当前程序待部门审查的案件，分为未超期和已超期"),
        categories=names,
        series=[
            Series(_("未超期"), [w - late for w, late in pairs]),
            Series(_("已超期"), [late for _w, late in pairs], "#D55E00"),
        ],
        stacked=True,
        skip_empty=not scope.single,
    )
    note = _("与案件列表“办理时限：已超期”相同：当前程序已申报待审查、办理时限早于今天。")
    return Figure("overdue", title, note, table, chart), total_late


def _votes(scope: Scope) -> Figure:
    """Closed votes and how many passed (the art. 278 tally at closing), per office; open
    votes beside them (one query)."""
    found = {
        office: (closed, passed, running)
        for office, closed, passed, running in Vote.objects.filter(scope.where("case__jurisdiction_id"))
        .values_list("case__jurisdiction_id")
        .annotate(
            closed=Count("pk", filter=Q(state=VoteState.CLOSED)),
            passed=Count("pk", filter=Q(state=VoteState.CLOSED, passed=True)),
            running=Count("pk", filter=Q(state=VoteState.OPEN)),
        )
        .order_by()
    }
    offices = scope.shown
    rows = [found.get(pk, (0, 0, 0)) for pk, _name in offices]
    closed = sum(r[0] for r in rows)
    passed = sum(r[1] for r in rows)
    running = sum(r[2] for r in rows)

    def rate(p: int, c: int) -> str:
        return format_percent(Fraction(p, c)) if c else "—"

    title = _("业主表决通过率")
    table = Table(
        columns=[_("辖区"), _("已结束"), _("通过"), _("未通过"), _("通过率"), _("表决中")],
        rows=[[name, c, p, c - p, rate(p, c), r] for (_pk, name), (c, p, r) in zip(offices, rows, strict=True)],
        total=[_("合计"), closed, passed, closed - passed, rate(passed, closed), running],
    )
    chart = hbar(
        key="votes",
        title=title,
        description=_("已结束的业主表决中通过与未通过的轮次"),
        categories=[name for _pk, name in offices],
        series=[
            Series(_("通过"), [r[1] for r in rows], "#009E73"),
            Series(_("未通过"), [r[0] - r[1] for r in rows], "#D55E00"),
        ],
        stacked=True,
        skip_empty=True,
    )
    note = _("按已结束的表决轮次统计（同一案件重新表决的，每轮分别计）。")
    return Figure("votes", title, note, table, chart)


def _elevators(scope: Scope, *, today: datetime.date, calendar: WorkCalendar) -> Figure:
    """Elevators in use (first used on or before today) and their periodic inspections
    falling due: the request is due a month before the certificate runs out, moved back to
    a working day (upkeep/rules.py), warned of UPKEEP_WARNING_LEAD_DAYS before (two queries:
    the count, and the registers whose certificate runs out soon enough to be warned of)."""
    lead = settings.UPKEEP_WARNING_LEAD_DAYS
    registers = Register.objects.filter(
        scope.where("case__jurisdiction_id"), first_used_on__isnull=False, first_used_on__lte=today
    )
    in_use = dict(registers.values_list("case__jurisdiction_id").annotate(n=Count("pk")).order_by())
    latest = Inspection.objects.filter(register=OuterRef("pk")).order_by("-inspected_on", "-id").values("valid_until")
    # The request is due at most a month (31 days) before the certificate ends, and moved
    # back at most a few weeks more for the rest days: a certificate ending after this bound
    # cannot be warned of today.
    bound = today + datetime.timedelta(days=lead + 31 + 30)
    soon: dict[int, int] = {}
    late: dict[int, int] = {}
    for office, until in (
        registers.annotate(until=Subquery(latest[:1]))
        .filter(until__lte=bound)
        .values_list("case__jurisdiction_id", "until")
    ):
        due_on = rules.inspection_request_due(until)
        due = rules.Due(
            what=rules.What.INSPECTION,
            due_on=due_on,
            act_by=rules.last_working_day_on_or_before(due_on, calendar.is_working_day),
        )
        warning = rules.warning_for(due, today=today, lead_days=lead)
        if warning is None:
            continue
        target = late if warning.level == rules.Level.OVERDUE else soon
        target[office] = target.get(office, 0) + 1
    offices = scope.shown
    rows = [(in_use.get(pk, 0), soon.get(pk, 0), late.get(pk, 0)) for pk, _name in offices]
    title = _("在用电梯与定期检验")
    table = Table(
        columns=[_("辖区"), _("在用电梯"), _("检验申请即将到期"), _("检验申请已逾期")],
        rows=[[name, *row] for (_pk, name), row in zip(offices, rows, strict=True)],
        total=[_("合计"), *[sum(col) for col in zip(*rows, strict=True)]] if rows else None,
    )
    chart = hbar(
        key="elevators",
        title=title,
        description=_("各辖区在用电梯数，及定期检验申请即将到期和已逾期的电梯数"),
        categories=[name for _pk, name in offices],
        series=[
            Series(_("在用电梯"), [r[0] for r in rows], "#0072B2"),
            Series(_("检验申请即将到期"), [r[1] for r in rows], "#E69F00"),
            Series(_("检验申请已逾期"), [r[2] for r in rows], "#D55E00"),
        ],
        skip_empty=True,
    )
    note = _("定期检验应在检验有效期届满前一个月提出申请；提前%(days)s天提示。") % {"days": lead}
    return Figure("elevators", title, note, table, chart)


def _yuan(value) -> str:
    return f"{value:,.2f}"


def _wan(value: Decimal) -> float:
    """Yuan as 万元 for the chart's axis (the table keeps the exact yuan)."""
    return float(value / 10000)


def _money(scope: Scope) -> Figure:
    """Money raised (the ledger's money in, net of reversals) against what the cases must
    raise (the funding plan's total; a case without one, its budget), per office; cases
    running or completed (three queries)."""
    live = Q(scope.where("case__jurisdiction_id"), case__status__in=LIVE)
    planned = dict(
        FundingSource.objects.filter(live).values_list("case__jurisdiction_id").annotate(t=Sum("amount")).order_by()
    )
    budget_only = dict(
        Case.objects.filter(scope.where(), status__in=LIVE, budget__isnull=False)
        .filter(~Exists(FundingSource.objects.filter(case=OuterRef("pk"))))
        .values_list("jurisdiction_id")
        .annotate(t=Sum("budget"))
        .order_by()
    )
    raised = dict(
        LedgerEntry.objects.filter(live, kind__in=IN_KINDS)
        .values_list("case__jurisdiction_id")
        .annotate(t=Sum(SqlCase(When(direction=LedgerDirection.IN, then=F("amount")), default=Value(0) - F("amount"))))
        .order_by()
    )
    offices = scope.shown
    rows = []
    for pk, name in offices:
        need = (planned.get(pk) or ZERO) + (budget_only.get(pk) or ZERO)
        got = raised.get(pk) or ZERO
        rows.append((name, need, got))
    need_total = sum((r[1] for r in rows), ZERO)
    got_total = sum((r[2] for r in rows), ZERO)

    def share(got: Decimal, need: Decimal) -> str:
        return format_percent(Fraction(got) / Fraction(need)) if need else "—"

    title = _("资金筹集与预算")
    table = Table(
        columns=[_("辖区"), _("资金计划（元）"), _("已筹集（元）"), _("筹集比例")],
        rows=[[name, _yuan(need), _yuan(got), share(got, need)] for name, need, got in rows],
        total=[_("合计"), _yuan(need_total), _yuan(got_total), share(got_total, need_total)],
    )
    chart = hbar(
        key="money",
        title=title,
        description=_("各辖区资金计划与已筹集金额（万元）"),
        categories=[r[0] for r in rows],
        series=[
            Series(_("资金计划（万元）"), [_wan(r[1]) for r in rows], "#7F7F7F"),
            Series(_("已筹集（万元）"), [_wan(r[2]) for r in rows], "#009E73"),
        ],
        fmt=lambda value: f"{value:,.1f}",
        skip_empty=True,
    )
    note = _(
        "资金计划：案件资金来源合计（未填资金来源的按工程预算）；已筹集：收支台账的各项收入，扣除冲销。"
        "只计办理中和已办结的案件。"
    )
    return Figure("money", title, note, table, chart)
