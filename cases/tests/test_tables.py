"""The long tables' rows written in Python (cases/tables.py) escape what users typed."""

from django.urls import reverse
from django.utils.html import format_html

from cases.tables import Cell, Row, link, rows_html, url_for_each, warning


def test_a_typed_value_is_escaped_and_safe_html_is_kept():
    html = rows_html([("<script>alert(1)</script>", format_html("<strong>{}</strong>", "已超期"), None, "")])
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>已超期</strong>" in html
    assert html.count("<td>—</td>") == 2  # nothing, and an empty text, print the admin's dash


def test_a_cell_can_be_the_row_header_with_a_class_and_a_row_its_own_class_and_id():
    html = rows_html([Row([Cell("FZ-2026-0001", "field-number", header=True), 3], css_class="late", id="step-2")])
    assert html == '<tr class="late" id="step-2"><th class="field-number">FZ-2026-0001</th><td>3</td></tr>'


def test_a_link_escapes_its_address_and_its_label():
    assert link('/x/?a=1&b="2"', "<b>") == '<a href="/x/?a=1&amp;b=&quot;2&quot;">&lt;b&gt;</a>'


def test_a_warning_escapes_its_text_and_an_address_for_each_id_matches_reverse():
    assert warning("<已超期>") == '<strong class="portal-warning">&lt;已超期&gt;</strong>'
    case_url = url_for_each("admin:cases_case_change")
    assert case_url(42) == reverse("admin:cases_case_change", args=[42])
