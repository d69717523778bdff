"""Long tables written out in Python: the rows of the staff pages' biggest tables.

Django's template engine spends about 10 µs on each `{{ value }}` (a context lookup, the
lazy-string check, localisation, escaping): some 100 µs for one row of nine cells, 5 ms
for a page of 50 cases, the largest single cost of the case list, the queue and the vote
page at city scale (`make bench-pages`). Here a row costs a few microseconds: each cell is
escaped with the standard library's `html.escape`, and a value that is already safe HTML
(`format_html`, `mark_safe`: a link, a warning) is written as it is.

The page's template keeps the table, its headings and everything else; only the body's
rows come from `rows_html`:

    <tbody>{{ rows }}</tbody>

A row is a `Row` (its cells, and optionally the row's class and id); a cell is a value,
or a `Cell` to give the cell a class or to make it the row's header cell (`<th>`). An empty
value (None or "") prints the dash the admin prints for "nothing".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

EMPTY = "—"


@dataclass(frozen=True, slots=True)
class Cell:
    value: object
    css_class: str = ""
    header: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    cells: Sequence[object]
    css_class: str = ""
    id: str = ""


def text(value: object) -> str:
    """One value as HTML: safe strings as they are, everything else escaped."""
    if value is None or value == "":
        return EMPTY
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def link(href: str, label: object) -> SafeString:
    """`<a href="…">label</a>`, both escaped (format_html's lazy-string checks cost more)."""
    return mark_safe(f'<a href="{escape(href)}">{text(label)}</a>')


def warning(message: object) -> SafeString:
    """A warning inside a cell (已超期), as the staff pages mark one."""
    return mark_safe(f'<strong class="portal-warning">{text(message)}</strong>')


def url_for_each(viewname: str, *, current_app: str | None = None) -> Callable[[int], str]:
    """The address of `viewname` (one integer argument) for any object id, from one
    reverse(): reversing for each row of a long table costs a tenth of the page's time."""
    prefix, suffix = reverse(viewname, args=[0], current_app=current_app).split("/0/")
    return lambda pk: f"{prefix}/{pk}/{suffix}"


def _cell(value: object) -> str:
    if isinstance(value, Cell):
        tag = "th" if value.header else "td"
        attrs = f' class="{escape(value.css_class)}"' if value.css_class else ""
        return f"<{tag}{attrs}>{text(value.value)}</{tag}>"
    return f"<td>{text(value)}</td>"


def rows_html(rows: Iterable[Row | Sequence[object]], *, classes: Sequence[str] = ()) -> SafeString:
    """The `<tr>` rows of a table body, safe to print in a template as they are.

    `classes`: a class for each column, for tables whose every row has the same cells (the
    case list): the rows are then plain tuples of values, no Cell per cell."""
    out = []
    if classes:
        # The opening tags once for the table, not once per cell.
        opening = [f'<td class="{escape(name)}">' if name else "<td>" for name in classes]
    for row in rows:
        if isinstance(row, Row):
            attrs = (f' class="{escape(row.css_class)}"' if row.css_class else "") + (
                f' id="{escape(row.id)}"' if row.id else ""
            )
            cells = row.cells
        else:
            attrs, cells = "", row
        if classes:
            body = "".join(
                _cell(value) if isinstance(value, Cell) else f"{opening[i]}{text(value)}</td>"
                for i, value in enumerate(cells)
            )
        else:
            body = "".join(_cell(value) for value in cells)
        out.append(f"<tr{attrs}>{body}</tr>")
    return mark_safe("\n".join(out))  # every value above went through text()
