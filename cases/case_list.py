"""The case list (/admin/cases/case/) as an office opens it all day: its filters, its search
and its pages, in the admin's markup and look, without the admin's changelist machinery.

At 20,000 cases the admin's ChangeList spent more on itself than on the two queries the
page needs (the count, the page of 50): building its filters' specs, the action form and
its scripts, the facets link, one inclusion template for each filter, the search form and
the paginator. This view reads the same query string (`q`, `p`, `jurisdiction__id__exact`,
`current_step__exact`, `status__exact`) and its own (`waiting`: whom the case waits for;
`due`: overdue, due today, within 3 working days, provisional; `o`: by due date), scopes
and orders the cases as the admin does (`CaseAdmin.get_queryset`, `get_search_results`),
and writes the filters, the paginator and the rows in Python. Anything else in the query
string (a popup, an unknown or invalid parameter, a page past the end) goes to the admin's
own changelist, which answers it as it always has (a 400 for a lookup no filter sends, the "?e=1" note, a redirect).

Working days left come with the page's rows, in the same query: the weekdays from today to
the due date (arithmetic) plus the holiday calendar's shifts between them (a correlated
sum over `HolidayDay`, cases.deadlines.shift_sum), and whether the due date is provisional
(暂定: its year's holidays not yet known) as a semi-join on `HolidayYear`. No query per row,
and none more per page.
"""

import datetime
from dataclasses import dataclass
from html import escape

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _l

from . import selectors
from .deadlines import add_working_days, provisional_due, shift_sum, working_days_left
from .models import Case, CaseStatus, HolidayYear, Jurisdiction, ProcedureStep
from .roles import is_city_wide
from .tables import EMPTY, url_for_each, warning
from .workflow import DEPARTMENT_LABELS, STEP_CHOICES, Department, StepState

SEARCH = "q"
PAGE = "p"
OFFICE = "jurisdiction__id__exact"
STEP = "current_step__exact"
STATUS = "status__exact"
WAITING = "waiting"
DUE = "due"
ORDER = "o"
PARAMETERS = frozenset({SEARCH, PAGE, OFFICE, STEP, STATUS, WAITING, DUE, ORDER})
PER_PAGE = 50
SOON_WORKING_DAYS = 3  # "due soon": within this many working days, today included

APPLICANT = "applicant"
# Whom the current step waits for: the applicant (to hand in or correct it), or a department
# (to decide it).
WAITING_CHOICES = [(APPLICANT, _l("申请人")), *((d.value, DEPARTMENT_LABELS[d]) for d in Department)]
DUE_CHOICES = [
    ("overdue", _l("已超期")),
    ("today", _l("今日到期")),
    ("soon", format_lazy(_l("{days}个工作日内到期"), days=SOON_WORKING_DAYS)),  # in the user's language
    ("provisional", _l("暂定（节假日安排未公布）")),
]
# By due date, soonest (most overdue) first or last: the cases with a running deadline only.
ORDER_CHOICES = ("due", "-due")

# What the rows print, and nothing else.
LIST_COLUMNS = (
    "pk",
    "number",
    "status",
    "current_step",
    "opened_at",
    "jurisdiction_id",
    "unit__name",
    "unit__building__address",
    "current_state",
    "current_department",
    "current_due",
    "current_due_provisional",
    "current_due_shift",
)

# A row of the list, its cells' classes as the admin names them (field-<column>).
ROW = (
    '<tr><th class="field-number"><a href="{url}">{number}</a></th><td class="field-unit">{unit}</td>'
    '<td class="field-jurisdiction">{office}</td><td class="field-current_step">{step}</td>'
    '<td class="field-waiting_for">{waiting}</td><td class="field-due_date">{due}</td>'
    '<td class="field-working_days_left">{left}</td><td class="field-overdue">{overdue}</td>'
    '<td class="field-status">{status}</td>'
    '<td class="field-opened_on">{opened}</td></tr>'
)

PROVISIONAL = ' <span class="provisional" title="{title}">{label}</span>'


def page_values(
    page, *, searched: bool, count_of=None, today: datetime.date | None = None, due_order: bool = False
) -> list[dict]:
    """The page's cases (a slice not yet read) as plain values: only the columns printed,
    their current step joined on (case, number), its unique key. A searched page is chosen
    first (filtered, sorted, cut to 50) and joined after: joined first, a common word (刺桐)
    read the step, unit and building of each of its 1,000 matches before keeping 50.

    `count_of`: a queryset whose count each row carries as `total`, counted by the same
    query (one round trip for the page and the paginator's count, not two). `due_order`: the
    page is ordered by its current step's due date (`?o=due`), a join the searched page's
    query makes again."""
    today = today or timezone.localdate()
    if searched:  # the page's 50 by id, then joined
        chosen = page
        page = Case.objects.filter(pk__in=chosen.values("pk"))
        if due_order:  # the order names the current step's due date: the same join again
            page = page.filter(steps__state=StepState.SUBMITTED, steps__number=F("current_step"))
        page = page.order_by(*chosen.query.order_by)
    page = page.annotate(
        current=FilteredRelation("steps", condition=Q(steps__number=F("current_step"))),
        current_state=F("current__state"),
        current_department=F("current__department"),
        current_due=F("current__due_date"),
    ).annotate(
        current_due_provisional=provisional_due("current_due"),
        current_due_shift=shift_sum("current_due", today=today),
    )
    columns = LIST_COLUMNS
    if count_of is not None:
        sql, params = count_of.order_by().values("pk").query.sql_with_params()
        page = page.annotate(total=RawSQL(f"SELECT COUNT(*) FROM ({sql}) AS counted", params))
        columns = (*columns, "total")
    return list(page.values(*columns))


def case_rows(page, *, searched: bool, office_names: dict[int, str], admin_site_name: str) -> SafeString:
    """The page's rows as HTML, from a queryset of the page's cases (a slice not yet read)."""
    return rows_of(page_values(page, searched=searched), office_names=office_names, admin_site_name=admin_site_name)


def rows_of(values: list[dict], *, office_names: dict[int, str], admin_site_name: str) -> SafeString:
    """The rows as HTML, from `page_values`."""
    # Each row written here in one format string (50 rows × 9 cells through a generic table
    # writer cost a millisecond): what our code names (labels, offices, dates) is escaped
    # once per page, what people typed (the number, the address) once per row. The case
    # page's address is reversed once, the date and the time zone read once.
    step_labels = {value: escape(str(label)) for value, label in STEP_CHOICES}
    status_labels = {value: escape(str(label)) for value, label in CaseStatus.choices}
    offices = {pk: escape(name) for pk, name in office_names.items()}
    case_url = url_for_each("admin:cases_case_change", current_app=admin_site_name)
    overdue = warning(gettext("已超期"))
    provisional = PROVISIONAL.format(
        title=escape(gettext("该年节假日安排尚未公布，按周一至周五计算")), label=escape(gettext("暂定"))
    )
    zone, today = timezone.get_current_timezone(), timezone.localdate()
    waiting_for = {}  # a few (state, department) pairs a page
    rows = []
    for case in values:
        state, department, due = case["current_state"], case["current_department"], case["current_due"]
        if state != StepState.SUBMITTED:
            due = None  # a deadline runs only while a department has the step
        left = working_days_left(today=today, due=due, shift=case["current_due_shift"])
        if (state, department) not in waiting_for:
            waiting_for[state, department] = escape(selectors.step_waiting_for(state=state, department=department))
        rows.append(
            ROW.format(
                url=escape(case_url(case["pk"])),
                number=escape(case["number"]),
                unit=escape(case["unit__building__address"] + case["unit__name"]),
                office=offices.get(case["jurisdiction_id"], ""),
                step=step_labels.get(case["current_step"], case["current_step"]),
                waiting=waiting_for[state, department] or EMPTY,
                due=(due.isoformat() + (provisional if case["current_due_provisional"] else "")) if due else EMPTY,
                left=EMPTY if left is None else str(left),
                overdue=overdue if selectors.step_overdue(state=state, due_date=due, today=today) else EMPTY,
                status=status_labels.get(case["status"], ""),
                opened=case["opened_at"].astimezone(zone).date().isoformat(),
            )
        )
    return mark_safe("\n".join(rows))  # every value above is escaped or ours


class _Refer(Exception):
    """This query string is the admin changelist's to answer."""


def case_list_view(model_admin, request) -> TemplateResponse | None:
    """The case list; None for what the admin's changelist answers instead."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    if request.method != "GET":
        return None
    try:
        return _case_list(model_admin, request)
    except _Refer:
        return None


def _int(value: str, allowed) -> int:
    try:
        number = int(value)
    except ValueError:
        raise _Refer from None
    if number not in allowed:
        raise _Refer
    return number


@dataclass(frozen=True)
class CaseListQuery:
    """What the case list's query string selects: the cases (scoped, filtered, searched and
    ordered as the page lists them, every page), and what it read to get there."""

    queryset: QuerySet
    chosen: dict
    term: str
    today: datetime.date
    offices: list
    city_wide: bool


def case_list_query(model_admin, request) -> CaseListQuery | None:
    """The cases the list shows for this request's query string, all pages (the page number
    is ignored); None for a query string the list does not take (the admin's changelist
    answers it). The list's exports (oversight) read the same cases through it."""
    try:
        return _case_list_query(model_admin, request)
    except _Refer:
        return None


def _case_list_query(model_admin, request) -> CaseListQuery:
    params = request.GET
    if not set(params) <= PARAMETERS or any(len(params.getlist(name)) > 1 for name in params):
        raise _Refer
    city_wide = is_city_wide(request.user)
    offices = (
        list(selectors.jurisdiction_list_visible_to(user=request.user).values_list("pk", "name"))
        if city_wide
        else list(Jurisdiction.objects.values_list("pk", "name"))
    )
    office_names = dict(offices)
    chosen = {}
    queryset = model_admin.get_queryset(request)
    if OFFICE in params:
        chosen[OFFICE] = _int(params[OFFICE], office_names if city_wide else ())
        queryset = queryset.filter(jurisdiction_id=chosen[OFFICE])
    if STEP in params:
        chosen[STEP] = _int(params[STEP], dict(STEP_CHOICES))
        queryset = queryset.filter(current_step=chosen[STEP])
    if STATUS in params:
        if params[STATUS] not in CaseStatus.values:
            raise _Refer
        chosen[STATUS] = params[STATUS]
        queryset = queryset.filter(status=chosen[STATUS])
    today = timezone.localdate()
    if WAITING in params:
        if params[WAITING] not in dict(WAITING_CHOICES):
            raise _Refer
        chosen[WAITING] = params[WAITING]
        queryset = queryset.filter(_current_step_is(_waiting_for(chosen[WAITING])))
    # The due filters and the due order read the cases whose current step runs a deadline
    # (submitted to a department) through one join on that step, from its partial index
    # `step_submitted_by_due`: a few thousand of 20,000 cases, in due order.
    running = {}
    if DUE in params:
        if params[DUE] not in dict(DUE_CHOICES):
            raise _Refer
        chosen[DUE] = params[DUE]
        running = _due_condition(chosen[DUE], today=today)
    order = params.get(ORDER)
    if order is not None:
        if order not in ORDER_CHOICES:
            raise _Refer
        chosen[ORDER] = order
    if DUE in chosen or ORDER in chosen:
        # One filter() call: the conditions and the order share the one join.
        queryset = queryset.filter(steps__state=StepState.SUBMITTED, steps__number=F("current_step"), **running)
    if ORDER in chosen:
        due = F("steps__due_date")
        queryset = queryset.order_by(due.asc() if chosen[ORDER] == "due" else due.desc(), "-opened_at", "-id")
    term = params.get(SEARCH, "")
    if term:
        queryset, _duplicates = model_admin.get_search_results(request, queryset, term)
    return CaseListQuery(queryset=queryset, chosen=chosen, term=term, today=today, offices=offices, city_wide=city_wide)


def _case_list(model_admin, request):
    params = request.GET
    found = _case_list_query(model_admin, request)
    queryset, chosen, term, today = found.queryset, found.chosen, found.term, found.today
    offices, city_wide, office_names = found.offices, found.city_wide, dict(found.offices)
    # The page and the count in one query; a page past the end is the admin's to answer.
    try:
        page_number = int(params.get(PAGE, 1))
    except ValueError:
        raise _Refer from None
    if page_number < 1:
        raise _Refer
    start = (page_number - 1) * PER_PAGE
    values = page_values(
        queryset[start : start + PER_PAGE],
        searched=bool(term),
        count_of=queryset,
        today=today,
        due_order=ORDER in chosen,
    )
    if not values and page_number > 1:
        raise _Refer
    paginator = Paginator(queryset, PER_PAGE)
    paginator.count = values[0]["total"] if values else 0  # its cached property, known already
    opts = model_admin.model._meta
    filtered = bool(chosen) or bool(term)  # the due order narrows too: running deadlines only
    here = {**chosen, **({SEARCH: term} if term else {})}
    changelist_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": (
            gettext("Select %s to change")
            if model_admin.has_change_permission(request)
            else gettext("Select %s to view")
        )
        % opts.verbose_name,
        "has_add_permission": model_admin.has_add_permission(request),
        "add_url": _with_query(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_add"), model_admin.get_preserved_filters(request)
        ),
        "changelist_url": changelist_url,
        "filters": _filters_html(offices if city_wide else [], chosen, term),
        "filtered": filtered,
        "search_form": _search_form_html(
            opts, term, chosen, count=paginator.count, filtered=filtered, help_text=model_admin.search_help_text
        ),
        "result_count": paginator.count,
        "rows": rows_of(values, office_names=office_names, admin_site_name=model_admin.admin_site.name),
        "sort_links": _sort_links(chosen, term),
        "paginator": _paginator_html(opts, paginator, page_number, here),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/cases/case/case_list.html", context)


def _current_step_is(condition: Q) -> Exists:
    """The case's current step meets `condition`: a semi-join on the step's unique key."""
    return Exists(ProcedureStep.objects.filter(condition, case_id=OuterRef("pk"), number=OuterRef("current_step")))


def _waiting_for(value: str) -> Q:
    if value == APPLICANT:
        return Q(state__in=[StepState.IN_PROGRESS, StepState.RETURNED])
    return Q(state=StepState.SUBMITTED, department=value)


def _due_condition(value: str, *, today: datetime.date) -> dict:
    """The condition on the current (submitted) step's due date, as lookups on the case."""
    if value == "overdue":
        return {"steps__due_date__lt": today}
    if value == "today":
        return {"steps__due_date": today}
    if value == "soon":  # the calendar read once, for the bound
        return {"steps__due_date__gte": today, "steps__due_date__lte": add_working_days(today, SOON_WORKING_DAYS)}
    # Provisional: after the last year whose schedule is known (the known years run on from
    # 2004 without a gap; the page marks each date exactly, cases.deadlines.provisional_due).
    return {"steps__due_date__year__gt": Subquery(HolidayYear.objects.order_by("-year").values("year")[:1])}


def _sort_links(chosen: dict, term: str) -> dict:
    """The due-date column's header link: soonest first, then latest first, then back to the
    list's own order (newest case first)."""
    others = {k: v for k, v in chosen.items() if k != ORDER}
    if term:
        others[SEARCH] = term
    following = {None: "due", "due": "-due", "-due": None}[chosen.get(ORDER)]
    return {
        "url": _query({**others, **({ORDER: following} if following else {})}),
        "current": chosen.get(ORDER),
    }


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _query(params: dict) -> str:
    return "?" + urlencode(params) if params else "?"


def _filters_html(offices, chosen: dict, term: str) -> SafeString:
    """The sidebar: one <details> per filter, as admin/filter.html writes it."""
    kept = {SEARCH: term} if term else {}
    if ORDER in chosen:  # clearing the filters keeps the order
        kept[ORDER] = chosen[ORDER]

    def choices(name, options) -> str:
        # Plain f-strings with html.escape: format_html for each of the two dozen links
        # cost a third of a millisecond.
        others = {k: v for k, v in chosen.items() if k != name}
        items = [(name not in chosen, _query({**others, **kept}), gettext("All"))]
        items += [
            (chosen.get(name) == value, _query({**others, name: value, **kept}), label) for value, label in options
        ]
        return "".join(
            f'<li class="{"selected" if selected else ""}"><a href="{escape(url)}">{escape(str(label))}</a></li>'
            for selected, url, label in items
        )

    sections = []
    if offices:
        sections.append((gettext("辖区"), choices(OFFICE, offices)))
    sections.append((gettext("当前程序"), choices(STEP, STEP_CHOICES)))
    sections.append((gettext("状态"), choices(STATUS, CaseStatus.choices)))
    sections.append((gettext("待谁办理"), choices(WAITING, WAITING_CHOICES)))
    sections.append((gettext("办理时限"), choices(DUE, DUE_CHOICES)))
    clear = (
        format_html('<h3><a href="{}">&#10006; {}</a></h3>', _query(kept), gettext("Clear all filters"))
        if set(chosen) - {ORDER}
        else ""
    )
    return format_html(
        '<search id="changelist-filter" aria-labelledby="changelist-filter-header">'
        '<h2 id="changelist-filter-header">{}</h2>'
        '<div id="changelist-filter-extra-actions">{}</div>{}</search>',
        gettext("Filter"),
        clear,
        mark_safe(  # the titles escaped here, the items by choices()
            "".join(
                f'<details data-filter-title="{escape(title)}" open><summary>'
                f"{escape(gettext(' By %(filter_title)s ') % {'filter_title': title})}</summary>"
                f"<ul>{items}</ul></details>"
                for title, items in sections
            )
        ),
    )


def _search_form_html(opts, term: str, chosen: dict, *, count: int, filtered: bool, help_text) -> SafeString:
    """The search box, as admin/search_form.html writes it: the filters ride along hidden."""
    count = (
        format_html(
            '<span class="small quiet">{} (<a href="?">{}</a>)</span>',
            ngettext("%(counter)s result", "%(counter)s results", count) % {"counter": count},
            gettext("Show all"),
        )
        if filtered
        else ""
    )
    return format_html(
        '<div id="toolbar"><h2 id="changelist-search-form" class="visually-hidden">{}</h2>'
        '<form id="changelist-search" method="get" role="search" aria-labelledby="changelist-search-form">'
        '<div><label for="searchbar"><img src="{}" alt="{}"></label>'
        '<input type="text" size="40" name="q" value="{}" id="searchbar" aria-describedby="searchbar_helptext">'
        '<input type="submit" value="{}"> {}{}</div><br class="clear">'
        '<div class="help" id="searchbar_helptext">{}</div></form></div>',
        gettext("Search %(name)s") % {"name": opts.verbose_name_plural},
        static("admin/img/search.svg"),
        "Search",  # as the admin writes it
        term,
        gettext("Search"),
        count,
        format_html_join("", '<input type="hidden" name="{}" value="{}">', chosen.items()),
        help_text,
    )


def _paginator_html(opts, paginator: Paginator, number: int, here: dict) -> SafeString:
    """The pages, as admin/pagination.html writes them: 1 2 [3] 4 5 … 345 346."""
    if paginator.num_pages > 1:
        pages = format_html_join(
            "",
            "<li>{}</li>",
            (
                (
                    format_html('<a role="button" href="" aria-current="page">{}</a> ', n)
                    if n == number
                    else format_html('<a role="button" href="{}">{}</a> ', _query({PAGE: n, **here}), n)
                    if n != Paginator.ELLIPSIS
                    else format_html("{} ", n),
                )
                for n in paginator.get_elided_page_range(number)
            ),
        )
        pages = format_html("<ul>{}</ul>", pages)
    else:
        pages = ""
    label = opts.verbose_name if paginator.count == 1 else opts.verbose_name_plural
    return format_html(
        '<nav class="paginator" aria-labelledby="pagination"><h2 id="pagination" class="visually-hidden">{}</h2>'
        "{} {} {}</nav>",
        gettext("Pagination %(name)s") % {"name": opts.verbose_name_plural},
        pages,
        paginator.count,
        label,
    )
