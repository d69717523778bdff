"""通知: the owner's inbox in the portal (issue 16 §2): the vote opening and closing, the
notice posted, their objection answered. Only their own rows (`notifications.selectors`):
another user's row is a 404. The rows are written by the notifications app; this page reads
them, marks them read, and keeps the owner's mail switch (the inbox stays either way)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import selectors, services
from notifications.forms import PreferenceForm
from notifications.inbox import inbox_page, safe_link

from .views import owner_required, page


@owner_required
def inbox(request):
    context = {
        "nav": "inbox",
        **inbox_page(
            request,
            rows=selectors.inbox_of(user=request.user),
            page_number=request.GET.get("page"),
            mail_enabled=selectors.mail_enabled(user=request.user),
        ),
    }
    return page(request, "owners/inbox.html", context)


@owner_required
def open_notification(request, pk: int):
    row = services.notification_open(user=request.user, pk=pk)
    return redirect(safe_link(request, row.link, reverse("owners:inbox")))


@owner_required
@require_POST
def read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("已将%(n)s条通知标为已读。") % {"n": count})
    return redirect("owners:inbox")


@owner_required
@require_POST
def preference(request):
    form = PreferenceForm(request.POST)
    form.is_valid()
    enabled = bool(form.cleaned_data.get("mail_enabled"))
    services.notification_preference_set(user=request.user, mail_enabled=enabled)
    messages.success(request, _("已开启邮件通知。") if enabled else _("已关闭邮件通知，站内通知照常保留。"))
    return redirect("owners:inbox")
