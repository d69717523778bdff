"""Text written into a spreadsheet cell or a CSV field, safe to open in Excel or WPS.

A cell that starts with = + - @ (or a tab or carriage return, which some programs skip
before reading a formula) is a formula to a spreadsheet program: a name typed as
`=HYPERLINK("http://…","点击")` would run when an office opens the export (CSV/formula
injection, OWASP). Such text is written with a leading apostrophe, the sign spreadsheet
programs themselves use for "this is text", and the xlsx cell is typed as a string. Control
characters that the xlsx format cannot hold are dropped.

One helper for every export of the portal (oversight's list exports, upkeep's share table)."""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def neutralise(value):
    """`value` as written into a cell: text cleaned and, when it would start a formula,
    prefixed with an apostrophe; anything else (numbers, dates, None) as it is."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value
