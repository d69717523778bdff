"""Charts drawn on the server as SVG (issue 16 §3): no script, no CDN, nothing to install.

Python lays each chart out (the bars' and points' coordinates, the axis, the legend) as plain
values, then `svg()` writes it, every label through html.escape (an office or a procedure
named `<script>` is printed, never run). Each chart has a `<title>` and a `<desc>` for screen
readers, and each bar or point its own `<title>` with its number; the figure's table beside
it carries the same numbers. The SVG has a viewBox and no fixed size: it scales to the
column it stands in, down to a 390 px phone.

Colours are set as presentation attributes (fill, stroke), which the Content Security Policy
(style-src 'self') allows; there is no inline style.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Okabe and Ito's palette: told apart with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C7A00", "#7F7F7F")

WIDTH = 420  # the viewBox: drawn at 1:1.2 beside its table, about 1:0.85 on a 390 px phone
LABEL_WIDTH = 110  # the category labels, left of the bars
VALUE_WIDTH = 50  # the numbers, right of the bars
LABEL_CHARS = 8  # longer labels are cut with "…" (the full label is the text's <title>)
LEGEND_PER_ROW = 4
LEGEND_ROW = 18
AXIS = 22  # the ticks' labels under the plot


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | float | Decimal | None]
    color: str = ""


def _number(value) -> float:
    return float(value) if value is not None else 0.0


def nice_step(value: float) -> float:
    """A tick step near `value`: 1, 2, 2.5 or 5 times a power of ten."""
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5):
        if value <= step * power:
            return step * power
    return 10 * power


def axis(largest: float, *, most_ticks: int = 4) -> list[float]:
    """The axis' ticks from 0 past `largest`, at most `most_ticks` steps of a round size;
    whole numbers when the values are (counts: 0, 1, 2, 3, not 0, 0.75, 1.5)."""
    if largest <= 0:
        return [0.0, 1.0]
    step = nice_step(largest / most_ticks)
    if largest == int(largest) and step < 1:
        step = 1.0
    count = max(1, math.ceil(largest / step - 1e-9))
    return [step * i for i in range(count + 1)]


def _tick_text(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _colored(series: Sequence[Series]) -> list[Series]:
    return [Series(s.label, list(s.values), s.color or PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]


def text_width(text: str, size: float = 12) -> float:
    """About how wide a label is drawn: a CJK character a full em, a Latin one about half."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.58 for c in text)


def _legend(series: Sequence[Series], *, top: float) -> tuple[list[dict], float]:
    """The legend's entries and the height it takes (none for a single series): as many
    to a row as the longest label lets fit."""
    if len(series) < 2:
        return [], 0
    widest = max(text_width(s.label) for s in series) + 24
    per_row = max(1, min(LEGEND_PER_ROW, int((WIDTH - 8) // widest)))
    column = (WIDTH - 8) / per_row
    items = []
    for i, s in enumerate(series):
        row, col = divmod(i, per_row)
        x, y = 4 + col * column, top + row * LEGEND_ROW
        items.append({"x": x, "y": y, "tx": x + 16, "ty": y + 10, "fill": s.color, "text": s.label})
    rows = math.ceil(len(series) / per_row)
    return items, rows * LEGEND_ROW + 6


def hbar(
    *,
    key: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    fmt: Callable[[object], str] = str,
    zero_is_data: bool = False,
    skip_empty: bool = False,
) -> dict | None:
    """Horizontal bars: one row per category; several series side by side, or stacked into
    one bar (with the row's total at its end). None when every value is zero or missing
    (`zero_is_data`: only when every value is missing): the page says 暂无数据 instead of
    drawing an empty axis. `skip_empty`: leave out the categories with nothing to draw
    (the table beside the chart still lists them)."""
    series = _colored(series)
    if skip_empty:
        kept = [i for i in range(len(categories)) if any(_number(s.values[i]) for s in series)]
        categories = [categories[i] for i in kept]
        series = [Series(s.label, [s.values[i] for i in kept], s.color) for s in series]
    known = [v for s in series for v in s.values if v is not None]
    if not categories or not known or not (zero_is_data or any(_number(v) for v in known)):
        return None
    legend, legend_height = _legend(series, top=4)
    top = 6 + legend_height
    bar = 18 if stacked else 13
    block = bar + 10 if stacked else bar * len(series) + 10
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    if stacked:
        largest = max(sum(_number(s.values[i]) for s in series) for i in range(len(categories)))
    else:
        largest = max(_number(v) for s in series for v in s.values)
    ticks_at = axis(largest)
    scale = plot / ticks_at[-1]
    height = top + block * len(categories) + AXIS
    bars, labels, values = [], [], []
    for i, category in enumerate(categories):
        y0 = top + i * block + 5
        labels.append(
            {
                "x": LABEL_WIDTH - 6,
                "y": y0 + (bar if stacked else bar * len(series)) / 2 + 4,
                "text": _short(category),
                "full": category,
            }
        )
        x = LABEL_WIDTH
        total = 0
        for j, s in enumerate(series):
            value = s.values[i]
            width = _number(value) * scale
            y = y0 if stacked else y0 + j * bar
            if width > 0:
                bars.append(
                    {
                        "x": round(x, 1),
                        "y": y,
                        "w": round(max(width, 1), 1),
                        "h": bar - (0 if stacked else 2),
                        "fill": s.color,
                        "tip": f"{category} · {s.label}：{fmt(value)}",
                    }
                )
            if stacked:
                x += width
                total += value or 0
            else:
                values.append({"x": round(LABEL_WIDTH + width + 4, 1), "y": y + bar - 3, "text": fmt(value)})
        if stacked:
            values.append({"x": round(x + 4, 1), "y": y0 + bar - 5, "text": fmt(total)})
    ticks = [
        {
            "x": round(LABEL_WIDTH + t * scale, 1),
            "y1": top,
            "y2": height - AXIS + 4,
            "ty": height - 6,
            "text": _tick_text(t),
        }
        for t in ticks_at
    ]
    return _chart(
        "bar",
        key=key,
        title=title,
        description=description,
        height=height,
        legend=legend,
        bars=bars,
        labels=labels,
        values=values,
        ticks=ticks,
    )


def line(
    *,
    key: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[object], str] = str,
) -> dict | None:
    """Lines over an even axis (the months): a point per value with its number as its
    <title>. None when every value is zero."""
    series = _colored(series)
    if not categories or not any(_number(v) for s in series for v in s.values):
        return None
    legend, legend_height = _legend(series, top=4)
    left, right, top = 36, 18, 10 + legend_height
    plot_height = 150
    height = top + plot_height + AXIS + 4
    ticks_at = axis(max(_number(v) for s in series for v in s.values))
    axis_top = ticks_at[-1]
    step = (WIDTH - left - right) / max(len(categories) - 1, 1)

    def x_of(i: int) -> float:
        return round(left + i * step, 1)

    def y_of(value) -> float:
        return round(top + plot_height - _number(value) / axis_top * plot_height, 1)

    lines, points = [], []
    for s in series:
        lines.append({"points": " ".join(f"{x_of(i)},{y_of(v)}" for i, v in enumerate(s.values)), "stroke": s.color})
        for i, v in enumerate(s.values):
            points.append(
                {"cx": x_of(i), "cy": y_of(v), "fill": s.color, "tip": f"{categories[i]} · {s.label}：{fmt(v)}"}
            )
    ticks = [{"y": y_of(t), "x1": left, "x2": WIDTH - right, "tx": left - 4, "text": _tick_text(t)} for t in ticks_at]
    # Every other month's label on the axis when there are many (they would overlap).
    every = 1 if len(categories) <= 6 else 2
    xlabels = [
        {"x": x_of(i), "y": top + plot_height + 16, "text": c}
        for i, c in enumerate(categories)
        if (len(categories) - 1 - i) % every == 0
    ]
    return _chart(
        "line",
        key=key,
        title=title,
        description=description,
        height=height,
        legend=legend,
        lines=lines,
        points=points,
        hticks=ticks,
        xlabels=xlabels,
    )


def _chart(kind: str, *, key: str, title: str, description: str, height: float, legend: list, **parts) -> dict:
    """What the template draws: the kind, the SVG's size, its title and description, the
    legend, and the kind's own parts."""
    return {
        "kind": kind,
        "key": key,
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": height,
        "legend": legend,
        **parts,
    }


# --- the SVG ------------------------------------------------------------------------------------
# Written here rather than by a template loop: the template engine spends about 10 µs on each
# `{{ value }}` (cases/tables.py), some 30 ms for the page's few hundred bars, labels and
# ticks. Every text is escaped with html.escape (quotes too, for the attributes); the numbers
# and colours are ours.

_TEXT = '<text x="{x}" y="{y}"{extra} fill="currentColor">{body}</text>'
_QUIET = ' fill-opacity="0.7" font-size="11"'


def _text(x, y, body: str, extra: str = "") -> str:
    return _TEXT.format(x=x, y=y, extra=extra, body=body)


def svg(chart: dict) -> SafeString:
    """The chart as an inline `<svg>`: a title and a description for screen readers (named
    by aria-labelledby), the legend, then the bars or the lines; each bar and point carries
    its number in its own `<title>`."""
    key = escape(chart["key"])
    out = [
        f'<svg class="dash-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart["width"]} {chart["height"]}"'
        f' role="img" aria-labelledby="chart-{key}-title chart-{key}-desc" font-size="12">',
        f'<title id="chart-{key}-title">{escape(chart["title"])}</title>',
        f'<desc id="chart-{key}-desc">{escape(chart["description"])}</desc>',
    ]
    for item in chart["legend"]:
        out.append(f'<rect x="{item["x"]}" y="{item["y"]}" width="11" height="11" fill="{item["fill"]}"/>')
        out.append(_text(item["tx"], item["ty"], escape(item["text"])))
    if chart["kind"] == "bar":
        for tick in chart["ticks"]:
            out.append(
                f'<line x1="{tick["x"]}" x2="{tick["x"]}" y1="{tick["y1"]}" y2="{tick["y2"]}"'
                ' stroke="currentColor" stroke-opacity="0.18"/>'
            )
            out.append(_text(tick["x"], tick["ty"], escape(tick["text"]), ' text-anchor="middle"' + _QUIET))
        for label in chart["labels"]:
            body = f"<title>{escape(label['full'])}</title>{escape(label['text'])}"
            out.append(_text(label["x"], label["y"], body, ' text-anchor="end"'))
        for bar in chart["bars"]:
            out.append(
                f'<rect x="{bar["x"]}" y="{bar["y"]}" width="{bar["w"]}" height="{bar["h"]}" fill="{bar["fill"]}">'
                f"<title>{escape(bar['tip'])}</title></rect>"
            )
        for value in chart["values"]:
            out.append(_text(value["x"], value["y"], escape(value["text"]), ' font-size="11"'))
    else:
        for tick in chart["hticks"]:
            out.append(
                f'<line x1="{tick["x1"]}" x2="{tick["x2"]}" y1="{tick["y"]}" y2="{tick["y"]}"'
                ' stroke="currentColor" stroke-opacity="0.18"/>'
            )
            out.append(_text(tick["tx"], tick["y"], escape(tick["text"]), ' dy="4" text-anchor="end"' + _QUIET))
        for label in chart["xlabels"]:
            out.append(_text(label["x"], label["y"], escape(label["text"]), ' text-anchor="middle"' + _QUIET))
        for path in chart["lines"]:
            out.append(f'<polyline points="{path["points"]}" fill="none" stroke="{path["stroke"]}" stroke-width="2"/>')
        for point in chart["points"]:
            out.append(
                f'<circle cx="{point["cx"]}" cy="{point["cy"]}" r="3.5" fill="{point["fill"]}">'
                f"<title>{escape(point['tip'])}</title></circle>"
            )
    out.append("</svg>")
    return mark_safe("\n".join(out))  # every text above went through escape()
