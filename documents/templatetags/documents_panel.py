"""The print panel the case page includes: `{% include "admin/documents/case_print_panel.html" %}`
with `case` in the context."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def case_print_panel(context, case):
    """Rows per template (current version, history, whether this user may print it) and
    whether this user may print anything."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if case is None or getattr(case, "pk", None) is None or user is None:
        return {"rows": [], "can_render": False, "version_count": 0}
    rows = selectors.print_panel_rows(case=case, user=user)
    return {
        "rows": rows,
        "can_render": any(row["can_print"] for row in rows),
        "version_count": sum(len(r["versions"]) for r in rows),
    }
