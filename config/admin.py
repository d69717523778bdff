"""The staff back office: the Django admin with the portal's own header and index."""

import functools
import logging

from django.conf import settings
from django.contrib import admin
from django.db import DataError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import CaseStatus
from cases.permissions import departments_of
from cases.roles import Role, is_city_wide, roles_of
from cases.selectors import case_list_visible_to, recent_case_actions_of, step_queue_for
from cases.workflow import PROCEDURES
from oversight.dashboard import may_see_dashboard
from owners.views import login_locked_out as owner_login_locked_out
from upkeep.permissions import is_using_unit_user

from .admin_lookups import OwnFiltersOnlyMixin
from .views import bad_request

logger = logging.getLogger(__name__)


class PortalAdminSite(admin.AdminSite):
    site_header = _("泉州市既有住宅增设电梯服务平台")
    site_title = _("增设电梯服务平台")
    index_title = _("业务后台")
    index_template = "admin/portal_index.html"
    site_url = None  # no public site behind the back office: no "view site" link

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every list, ours and third-party, takes only its own filters' lookups.
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, OwnFiltersOnlyMixin):
            admin_class = type(admin_class.__name__, (OwnFiltersOnlyMixin, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)

    def admin_view(self, view, cacheable=False):
        """Every admin page, guarded against values no page of the portal sends.

        Django's admin trusts the types of some request values: a non-numeric ID in an
        autocomplete field makes the re-rendered form look it up as a number (ValueError in
        AutocompleteSelect.optgroups; a 25-digit one overflows the database's integer).
        Such a request is a 400 with the portal's page, rendered inside the guard (a
        TemplateResponse renders after the view returns), and logged with the traceback
        for the developers. NUL characters are refused earlier (config/middleware.py)."""
        guarded = super().admin_view(view, cacheable)

        @functools.wraps(guarded)
        def inner(request, *args, **kwargs):
            try:
                response = guarded(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response.render()
            except (ValueError, OverflowError, DataError) as exc:
                logger.error("refused a request the admin could not read: %s", request.path, exc_info=exc)
                return bad_request(request, None, reason=gettext("请求中有无法识别的值（例如手工修改过的编号）。"))
            return response

        return inner

    def index(self, request, extra_context=None):
        """The home page: the user's scope, and per procedure the open cases and what waits
        for this user. A reviewer sees only their own department's procedures (another
        department's steps are not theirs to act on); the city, superusers and applicants
        see all eight. The sidebar lists the user's own latest actions on cases. A using
        unit's account (no cases, no jurisdiction) has its own home: 我管理的电梯 (upkeep); the
        city supervisor's home is the dashboard (监督看板, oversight), which the office's staff
        reach from the sidebar."""
        user = request.user
        if is_using_unit_user(user):
            return redirect("admin:upkeep_my_registers")
        if Role.CITY_SUPERVISOR in roles_of(user) and not user.is_superuser:
            return redirect("oversight:dashboard")
        open_cases = case_list_visible_to(user=user).filter(status=CaseStatus.OPEN)
        by_step = dict(open_cases.values_list("current_step").annotate(n=Count("pk")).order_by())
        waiting = dict(step_queue_for(user=user).values_list("number").annotate(n=Count("pk")).order_by())
        departments = set() if user.is_superuser or is_city_wide(user) else departments_of(user)
        procedures = [p for p in PROCEDURES if not departments or p.department in departments]
        extra_context = {
            "scope_name": _("全市") if user.jurisdiction_id is None else user.jurisdiction.name,
            # Group names are stored in Chinese and translated for display (cases.roles).
            # Translators: the separator between the items of a list.
            "role_list": gettext("、").join(gettext(g.name) for g in user.groups.all()),
            "step_counts": [(p, by_step.get(p.number, 0), waiting.get(p.number, 0)) for p in procedures],
            "open_count": sum(by_step.values()),
            "waiting_count": sum(waiting.values()),
            "own_department_only": bool(departments),
            "recent_actions": recent_case_actions_of(user=user),
            "dashboard_link": may_see_dashboard(user),
            **(extra_context or {}),
        }
        return super().index(request, extra_context)


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): the admin's own
    page, saying for how long and whom to call, with 429 Too Many Requests. An owner's
    sign-in (by mobile number, owners/backends.py) gets the owners' portal's own page."""
    if (credentials or {}).get("mobile") or request.POST.get("mobile"):
        return owner_login_locked_out(request)
    context = {
        **admin.site.each_context(request),
        "title": _("登录已暂停"),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "axes/locked_out.html", context, status=429)
