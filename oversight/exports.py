"""Every staff list exported to .xlsx and .csv (issue 16 §4): the rows the list shows, with
its search, filters and order, every page, in the user's scope; its columns with their
Chinese headers; the values as the list shows them, without HTML.

Generic over the admin's lists: a list is a ModelAdmin, and its export re-reads the list
through the ModelAdmin's own ChangeList (`get_changelist_instance`) from the list's query
string, so the filters, the search, the order and the district scope (the ModelAdmin's
`get_queryset`, from its selector) are the list's own and cannot drift from it. A list the
admin's ChangeList does not draw (the case list: cases/case_list.py) registers its own source
(`register_source`; oversight/exports_cases.py).

Personal data: ID numbers and mobile numbers are masked in every cell (350503********1234,
138****5678: cases.validators.mask_personal_text) unless the user may see them in full and
chose to (`may_export_full`: the receiving office of their own district, and superusers,
who act for any office; the full export is named so in the audit event). Then the columns
that mask a field on the page (`FULL_VALUES`) carry the field itself.

Cells that a spreadsheet would read as a formula are written as text (cases.cells).
The xlsx is written with openpyxl's write-only workbook, the rows read in chunks
(`.iterator(chunk_size)`, a constant number of queries per chunk): memory stays flat
whatever the number of rows."""

from __future__ import annotations

import csv
import datetime
import decimal
import html
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import display_for_field, display_for_value, label_for_field, lookup_field
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, SuspiciousOperation, ValidationError
from django.db import DataError, models
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cases.cells import neutralise
from cases.permissions import departments_of
from cases.roles import is_city_wide
from cases.validators import mask_personal_text
from cases.workflow import Department

CHUNK_ROWS = 500  # rows read per query, and how often the progress is written
MAX_QUERY_LENGTH = 2000  # a list's query string is a few filters; more is not a list's
ACTION_CHECKBOX = "action_checkbox"

# The columns that mask a field on the page, and the field's full value, per model label.
FULL_VALUES: dict[str, dict[str, Callable[[models.Model], str]]] = {
    "cases.owner": {"masked_id": lambda o: o.id_number, "masked_mobile": lambda o: o.phone},
    "owners.owneraccount": {"masked_mobile": lambda o: o.mobile},
}


class ExportRefused(Exception):
    """The list cannot be exported with this query string; the message says why, in Chinese."""


@dataclass
class ExportTable:
    """What a list exports: its name, its headers, how many rows, and the rows (read lazily,
    in chunks; each a list of cell values)."""

    title: str
    headers: list[str]
    total: int
    rows: Callable[[], Iterator[list]]
    widths: list[int] = field(default_factory=list)


# --- who may see personal data in full --------------------------------------------------------


def may_export_full(user) -> bool:
    """The receiving office of the user's own district (who keeps the owners' records and
    opens them in full on the owner's page), and superusers, who act for any office. The
    city and the other departments see the masked values only."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user.jurisdiction_id) and not is_city_wide(user) and Department.HOUSING in departments_of(user)


# --- the lists' sources ------------------------------------------------------------------------

Source = Callable[..., ExportTable]
_SOURCES: dict[str, Source] = {}


def register_source(label: str, source: Source) -> None:
    """A list the admin's ChangeList does not draw: `source(model_admin=…, request=…, full=…)`
    returns its ExportTable or raises ExportRefused."""
    _SOURCES[label] = source


def list_label(model_admin) -> str:
    return model_admin.model._meta.label_lower


def list_request(*, user, query: str) -> HttpRequest:
    """The request the list is re-read with: the user and the list's query string alone (the
    background thread has no request of its own; the click's own path is not the list's)."""
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(query)
    request.user = user
    request.META["QUERY_STRING"] = query
    return request


def export_table(*, model_admin, user, query: str, full: bool) -> ExportTable:
    """The list's rows as exported, or ExportRefused with the reason."""
    if len(query) > MAX_QUERY_LENGTH or "\x00" in query:
        raise ExportRefused(_("列表的筛选条件过长或含有无法识别的字符，无法导出。请回到列表重新筛选后再导出。"))
    request = list_request(user=user, query=query)
    if not model_admin.has_view_or_change_permission(request):
        raise ExportRefused(_("您没有查看该列表的权限。"))
    full = full and may_export_full(user)
    source = _SOURCES.get(list_label(model_admin), changelist_table)
    try:
        return source(model_admin=model_admin, request=request, full=full)
    except (IncorrectLookupParameters, SuspiciousOperation, ValidationError, ValueError, OverflowError, DataError):
        raise ExportRefused(bad_filters_message()) from None


def bad_filters_message() -> str:
    return _("列表的筛选条件无效（可能是手工修改过的网址），无法导出。请回到列表重新选择筛选条件后再导出。")


def changelist_table(*, model_admin, request, full: bool) -> ExportTable:
    """Any admin list, through its ModelAdmin's own ChangeList."""
    changelist = model_admin.get_changelist_instance(request)
    queryset = changelist.queryset  # scoped, filtered, searched and ordered, as the list shows it
    model = changelist.model
    names = [name for name in changelist.list_display if name != ACTION_CHECKBOX]
    headers = [_label(name, model, model_admin) for name in names]
    full_values = FULL_VALUES.get(model._meta.label_lower, {}) if full else {}
    empty = ""  # an empty cell, not the page's "-" (which a spreadsheet would read as a sign)

    def rows() -> Iterator[list]:
        for obj in queryset.iterator(chunk_size=CHUNK_ROWS):
            yield [_cell(obj, name, model_admin, empty, full, full_values) for name in names]

    return ExportTable(
        title=str(model._meta.verbose_name_plural), headers=headers, total=changelist.result_count, rows=rows
    )


def _label(name, model, model_admin) -> str:
    text = label_for_field(name, model, model_admin)
    return html.unescape(strip_tags(str(text))).strip() or str(name)


def _cell(obj, name, model_admin, empty, full: bool, full_values: dict):
    key = getattr(name, "__name__", name)  # a column may be a callable (audit.reveal.column)
    if key in full_values:
        return full_values[key](obj) or empty
    if hasattr(name, "export_value"):  # a column drawn with a button: its plain text
        return name.export_value(obj) or empty
    try:
        f, attr, value = lookup_field(name, obj, model_admin)
    except (AttributeError, ObjectDoesNotExist, FieldDoesNotExist):
        return empty
    if f is None or f.auto_created:
        if getattr(attr, "boolean", False) or isinstance(value, bool):
            return _yes_no(value, empty)
        shown = _plain(value, empty) if _plain_type(value) else display_for_value(value, empty)
    elif isinstance(f, models.BooleanField):
        return _yes_no(value, empty)
    elif isinstance(f.remote_field, models.ManyToOneRel):
        related = getattr(obj, f.name)
        shown = empty if related is None else str(related)
    elif f.flatchoices or value is None:
        shown = display_for_field(value, f, empty)
    else:
        shown = _plain(value, empty)
    return cell_text(shown, full=full)


def _yes_no(value, empty: str) -> str:
    if value is None:
        return empty
    return _("是") if value else _("否")


def _plain_type(value) -> bool:
    return value is None or isinstance(value, int | decimal.Decimal | float | datetime.date | str)


def _plain(value, empty):
    """Numbers stay numbers (a spreadsheet sums them); dates and times as the lists write them."""
    if value is None or value == "":
        return empty
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def cell_text(value, *, full: bool):
    """A value as exported: HTML taken out (a list's warning, a link), personal data masked
    unless the export is a full one. Numbers as they are."""
    if not isinstance(value, str):
        if isinstance(value, int | decimal.Decimal | float) and not isinstance(value, bool):
            return value
        value = str(value)
    text = html.unescape(strip_tags(value)).strip() if "<" in value or "&" in value else value
    return text if full else mask_personal_text(text)


# --- writing ---------------------------------------------------------------------------------

Progress = Callable[[int], None]


def _counted(rows: Iterable[list], progress: Progress) -> Iterator[list]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % CHUNK_ROWS == 0:
            progress(done)
    progress(done)


def write_xlsx(table: ExportTable, handle, progress: Progress = lambda done: None) -> int:
    """The table as an .xlsx into `handle` (a binary file); the number of rows written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(table.title))
    for index, header in enumerate(table.headers):
        sheet.column_dimensions[_column_letter(index)].width = max(10, min(40, len(header) * 2 + 4))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for header in table.headers:
        cell = WriteOnlyCell(sheet, value=neutralise(header))
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    written = 0
    for row in _counted(table.rows(), progress):
        sheet.append([_xlsx_value(sheet, value) for value in row])
        written += 1
    book.save(handle)
    return written


def _xlsx_value(sheet, value):
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=neutralise(value))
        cell.data_type = "s"  # text, never a formula
        return cell
    if isinstance(value, decimal.Decimal):
        return float(value) if value == value.quantize(decimal.Decimal("0.01")) else str(value)
    return value


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    return cleaned or "Sheet1"


def write_csv(table: ExportTable, handle, progress: Progress = lambda done: None) -> int:
    """The table as CSV into `handle` (a binary file): UTF-8 with a BOM, CRLF line ends (as
    Excel on a Chinese Windows opens it without asking), formula cells as text."""
    handle.write("\ufeff".encode())
    buffer = _LineBuffer()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.headers])
    handle.write(buffer.take())
    written = 0
    for row in _counted(table.rows(), progress):
        writer.writerow(["" if v is None else neutralise(v if isinstance(v, str) else str(v)) for v in row])
        handle.write(buffer.take())
        written += 1
    return written


class _LineBuffer:
    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> bytes:
        data = "".join(self.parts).encode("utf-8")
        self.parts.clear()
        return data


WRITERS = {"xlsx": write_xlsx, "csv": write_csv}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def export_filename(title: str, fmt: str, at: datetime.datetime | None = None) -> str:
    at = timezone.localtime(at or timezone.now())
    return f"{title}-{at:%Y%m%d-%H%M%S}.{fmt}"
