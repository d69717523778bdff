"""监督看板 (issue 16 §3): the city supervisor's home page, and each office's own dashboard.

A page of the staff back office (the admin's look, its sign-in and guard: `admin.site.admin_view`
in oversight/urls.py), under /admin/oversight/dashboard/. Who may open it and which offices it
reads: `oversight.dashboard.dashboard_scope`."""

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .dashboard import Dashboard, Scope, dashboard, dashboard_scope


def dashboard_for(*, scope: Scope, today) -> tuple[Dashboard, object]:
    """The figures and when they were counted. Every figure reads every case of its offices
    (about 150 ms for the whole city at 20,000 cases), and the page is the supervisor's home:
    counted once per `DASHBOARD_CACHE_SECONDS` for the same offices, day and language (the
    charts' labels), then served from the cache. 0 counts on every view."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return dashboard(scope=scope, today=today), timezone.now()
    whole_city = scope.city_wide and scope.chosen is None
    offices = "city" if whole_city else ",".join(str(pk) for pk in scope.ids)
    key = f"oversight.dashboard:{today.isoformat()}:{get_language()}:{offices}"
    kept = cache.get(key)
    if kept is None:
        kept = (dashboard(scope=scope, today=today), timezone.now())
        cache.set(key, kept, seconds)
    return kept


def dashboard_view(request):
    scope = dashboard_scope(user=request.user, office=request.GET.get("office"))
    board, counted_at = dashboard_for(scope=scope, today=timezone.localdate())
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
        "counted_at": counted_at,
        "scope": scope,
    }
    return TemplateResponse(request, "oversight/dashboard.html", context)
