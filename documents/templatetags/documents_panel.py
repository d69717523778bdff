"""The print panel the case page includes: `{% include "admin/documents/case_print_panel.html" %}`
with `case` in the context."""

from django import template

from .. import permissions, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def case_print_panel(context, case):
    """Rows per template (current version, history) and whether this user may print."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if case is None or getattr(case, "pk", None) is None or user is None:
        return {"rows": [], "can_render": False, "version_count": 0}
    rows = selectors.print_panel_rows(case=case)
    return {
        "rows": rows,
        "can_render": permissions.can_render(user, case),
        "version_count": sum(len(r["versions"]) for r in rows),
    }
