"""我的通知: the staff inbox in the back office, served inside the admin
(NotificationAdmin.get_urls), for every staff account whatever its role: what it lists is
the user's own rows (`selectors.inbox_of`), so there is no role or district to check; another
user's row is a 404. The owners' inbox is the owners' portal's (owners/views_inbox.py)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import PreferenceForm
from .inbox import inbox_page, safe_link


def inbox(request, admin_site):
    context = {
        **admin_site.each_context(request),
        "title": _("我的通知"),
        "subtitle": None,
        **inbox_page(
            request,
            rows=selectors.inbox_of(user=request.user),
            page_number=request.GET.get("page"),
            mail_enabled=selectors.mail_enabled(user=request.user),
        ),
    }
    return TemplateResponse(request, "notifications/staff/inbox.html", context)


def open_notification(request, admin_site, pk: int):
    """Mark the row read and go where it points."""
    row = services.notification_open(user=request.user, pk=pk)
    return redirect(safe_link(request, row.link, reverse("admin:notifications_inbox")))


@require_POST
def read_all(request, admin_site):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("已将%(n)s条通知标为已读。") % {"n": count})
    return redirect("admin:notifications_inbox")


@require_POST
def preference(request, admin_site):
    form = PreferenceForm(request.POST)
    form.is_valid()  # a checkbox: always valid; a missing value is "off"
    enabled = bool(form.cleaned_data.get("mail_enabled"))
    services.notification_preference_set(user=request.user, mail_enabled=enabled)
    messages.success(request, _("已开启邮件通知。") if enabled else _("已关闭邮件通知，站内通知照常保留。"))
    return redirect("admin:notifications_inbox")
