"""How the printed documents write money, areas, ratios and dates, and what they print
where the case has no value yet: a line to fill in by hand, never "None"."""

import datetime
from decimal import Decimal
from fractions import Fraction

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from voting.rules import format_percent

from ..numerals import rmb_capital as _rmb_capital

register = template.Library()

_CENT = Decimal("0.01")


# A blank is underlined ideographic spaces (U+3000): plain text, which WeasyPrint lays
# out far faster than an empty inline-block with a border, and which never collapses.
_IDEOGRAPHIC_SPACE = "\u3000"
_BLANK_WIDTHS = {"short": 3, "": 8, "long": 16}


def _blank(size: str = "") -> SafeString:
    return mark_safe(f'<span class="blank">{_IDEOGRAPHIC_SPACE * _BLANK_WIDTHS.get(size, 8)}</span>')


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@register.filter
def or_blank(value, size: str = ""):
    """The value (escaped), or a ruled blank to write on: or_blank, or_blank:"long"."""
    if _empty(value):
        return _blank(size)
    return conditional_escape(value)


@register.filter
def yuan(value):
    """380000 -> 380,000.00 (yuan to the fen); missing -> a blank line."""
    if _empty(value):
        return _blank()
    return f"{Decimal(value).quantize(_CENT):,}"


@register.filter
def capital(value):
    """Decimal amount -> 人民币叁拾捌万元整; missing -> a blank line."""
    if _empty(value):
        return _blank("long")
    return _rmb_capital(Decimal(value).quantize(_CENT))


@register.filter
def area(value):
    """Exclusive-part area with two decimals (the ㎡ is printed by the template)."""
    if _empty(value):
        return _blank("short")
    return f"{Decimal(value).quantize(_CENT):,}"


@register.filter
def percent(value):
    """An exact Fraction as 66.67% (display only; decisions are taken on the Fraction)."""
    if value is None:
        return "—"
    return format_percent(Fraction(value))


@register.filter
def cn_date(value, where: str = ""):
    """2026年11月25日; missing -> '    年  月  日' with ruled blanks, to be dated by hand
    (in a table cell, `cn_date:"cell"`, plain spaces: the cell is already the space)."""
    if (value is None or value == "") and where == "cell":
        return "\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"
    if value is None or value == "":
        return mark_safe(
            '<span class="date-blank"><span class="blank">\u3000\u3000\u3000</span>年'
            '<span class="blank">\u3000\u3000</span>月<span class="blank">\u3000\u3000</span>日</span>'
        )
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_datetime(value):
    if value is None:
        return ""
    value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


@register.filter
def checkbox(checked) -> SafeString:
    """A drawn check box, ticked when true."""
    return mark_safe(f'<span class="box">{"√" if checked else "&#8203;"}</span>')


@register.filter
def negate(value) -> bool:
    return not value


@register.filter
def yes_no(value) -> SafeString:
    """☐是 ☐否 with the right one ticked (None: neither, to tick by hand)."""
    return format_html("{}是　{}否", checkbox(value is True), checkbox(value is False))
