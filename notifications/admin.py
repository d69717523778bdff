"""The staff inbox inside the back office: the Notification model's admin lists nothing of
its own (it sends to 我的通知), and serves the inbox's pages (notifications/staff.py). Every
staff account sees the model in the sidebar, whatever its role: it reads only its own rows."""

from functools import partial

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path

from audit.admin import ReadOnlyAdminMixin

from . import staff
from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_per_page = 30

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(partial(view, admin_site=self.admin_site))

        return [
            path("inbox/", wrap(staff.inbox), name="notifications_inbox"),
            path("<int:pk>/open/", wrap(staff.open_notification), name="notifications_open"),
            path("read-all/", wrap(staff.read_all), name="notifications_read_all"),
            path("preference/", wrap(staff.preference), name="notifications_preference"),
            *super().get_urls(),
        ]

    def _staff(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self._staff(request)

    def has_view_permission(self, request, obj=None):
        return self._staff(request) and (obj is None or obj.user_id == request.user.pk)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user=request.user)

    def changelist_view(self, request, extra_context=None):
        # With a query the admin's own list answers (refusing lookups it does not offer,
        # as every list does: config.admin_lookups); without one, the inbox.
        if request.GET:
            return super().changelist_view(request, extra_context)
        return redirect("admin:notifications_inbox")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:notifications_inbox")
