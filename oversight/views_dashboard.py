"""监督看板 (issue 16 §3): the city supervisor's home page, and each office's own dashboard.

A page of the staff back office (the admin's look, its sign-in and guard: `admin.site.admin_view`
in oversight/urls.py), under /admin/oversight/dashboard/. Who may open it and which offices it
reads: `oversight.dashboard.dashboard_scope`."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .dashboard import dashboard, dashboard_scope


def dashboard_view(request):
    scope = dashboard_scope(user=request.user, office=request.GET.get("office"))
    board = dashboard(scope=scope, today=timezone.localdate())
    if scope.chosen is not None:
        scope_name = scope.shown[0][1]
    elif scope.city_wide:
        scope_name = _("全市")
    else:
        scope_name = ", ".join(name for _pk, name in scope.shown)
    context = {
        **admin.site.each_context(request),
        "title": _("监督看板"),
        "subtitle": scope_name,
        "scope_name": scope_name,
        "board": board,
        "scope": scope,
    }
    return TemplateResponse(request, "oversight/dashboard.html", context)
