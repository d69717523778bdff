"""`{% case_panels "above" %}`: the panels other apps register on the case page
(cases/extensions.py), rendered in the page's own context: the request's context
processors are not run again per panel."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..extensions import case_panels as registered_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def case_panels(context, place: str) -> SafeString:
    request, case = context["request"], context["original"]
    parts = []
    for panel in registered_panels(place=place):
        extra = panel.context(request=request, case=case)
        if extra is None:  # not for this user or this case
            continue
        panel_template = context.template.engine.get_template(panel.template_name)
        with context.push(case=case, **extra):
            parts.append(panel_template.render(context))
    return mark_safe("".join(parts))  # each part is a template's output, escaped by it
