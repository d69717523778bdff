"""The staff back office: the Django admin with the portal's own header and index."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("泉州市既有住宅增设电梯服务平台")
    site_title = _("增设电梯服务平台")
    index_title = _("业务后台")
    index_template = "admin/portal_index.html"
    site_url = None  # no public site behind the back office: no "view site" link

    def index(self, request, extra_context=None):
        from cases.models import CaseStatus
        from cases.selectors import case_list_visible_to
        from cases.workflow import PROCEDURES

        open_cases = case_list_visible_to(user=request.user).filter(status=CaseStatus.OPEN)
        by_step = dict(open_cases.values_list("current_step").annotate(n=Count("pk")).order_by())
        extra_context = {
            "scope_name": _("全市") if request.user.jurisdiction_id is None else request.user.jurisdiction.name,
            # Group names are stored in Chinese and translated for display (cases.roles).
            # Translators: the separator between the items of a list.
            "role_list": gettext("、").join(gettext(g.name) for g in request.user.groups.all()),
            "step_counts": [(p, by_step.get(p.number, 0)) for p in PROCEDURES],
            "open_count": sum(by_step.values()),
            **(extra_context or {}),
        }
        return super().index(request, extra_context)


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): the admin's own
    page, saying for how long and whom to call, with 429 Too Many Requests."""
    from django.conf import settings
    from django.shortcuts import render

    context = {
        **admin.site.each_context(request),
        "title": _("登录已暂停"),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "axes/locked_out.html", context, status=429)
