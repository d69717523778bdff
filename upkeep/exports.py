"""The property share table for the registration office (不动产登记): xlsx and PDF.

Each flat with its owners and, held in shares (按份共有), its exact share as a percentage
with two decimals (the exact fraction beside it, so the shares add up to 100% exactly on
paper); held jointly (共同共有), no shares. Running costs, when given, follow as one column
per cost with each flat's amount to the fen."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from cases.cells import neutralise
from cases.numbers import format_percent
from documents.pdf import html_to_pdf

from .selectors import ShareTable, cost_kind_label


def safe_cell(value):
    """Text written as text: control characters out, a leading formula sign quoted."""
    return neutralise(value)


def _headers(table: ShareTable) -> list[str]:
    head = ["室号", "楼层", "建筑面积（㎡）", "业主"]
    if table.in_shares:
        head += ["分摊系数", "产权份额", "份额（分数）"]
    head += [f"{c.year}年{cost_kind_label(c.kind)}（元）" for c in table.costs]
    return head


def _row(table: ShareTable, row) -> list:
    values = [row.room, row.floor, row.area, "、".join(row.owners)]
    if table.in_shares:
        values += [row.coefficient, format_percent(row.share), f"{row.share.numerator}/{row.share.denominator}"]
    values += [row.amounts.get(c.pk) for c in table.costs]
    return values


def share_table_xlsx(table: ShareTable) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "产权份额表"
    case = table.case
    sheet.append([safe_cell(f"{case.unit} 加装电梯产权份额表（{case.number}）")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            safe_cell(f"产权形式：{table.mode_label}"),
            None,
            None,
            safe_cell(f"制表日期：{timezone.localdate():%Y-%m-%d}"),
        ]
    )
    sheet.append([safe_cell(h) for h in _headers(table)])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for row in table.rows:
        sheet.append([safe_cell(v) for v in _row(table, row)])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    if table.costs:
        total = ["合计", None, None, None] + ([None, None, None] if table.in_shares else [])
        sheet.append(total + [table.totals[c.pk] for c in table.costs])
    for letter, width in zip("ABCDEFGHIJ", (10, 6, 14, 30, 10, 12, 14, 16, 16, 16), strict=False):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def share_table_html(table: ShareTable) -> str:
    return render_to_string(
        "upkeep/share_table_pdf.html",
        {
            "table": table,
            "case": table.case,
            "headers": _headers(table),
            "rows": [_row(table, r) for r in table.rows],
            "totals": [table.totals[c.pk] for c in table.costs],
            "lead_cols": 7 if table.in_shares else 4,
            "made_on": timezone.localdate(),
        },
    )


def share_table_pdf(table: ShareTable) -> bytes:
    return html_to_pdf(share_table_html(table)).data
