"""The notices in the back office: a list to look them up (nothing edited here: the notice
page's actions go through the services) and the notice page with its actions, served under
NoticeAdmin.get_urls (notices/staff.py)."""

from functools import partial

from django.contrib import admin
from django.urls import path

from audit.admin import ReadOnlyAdminMixin
from cases.selectors import case_list_visible_to

from . import staff, staff_objections
from .models import Notice


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "published_at", "published_by", "taken_down_on"]
    fields = ["case", "document", "places", "published_at", "published_by", "taken_down_on", "taken_down_reason"]
    readonly_fields = fields
    list_select_related = ["case", "published_by"]
    search_fields = ["case__number"]
    list_per_page = 50

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(partial(view, admin_site=self.admin_site))

        return [
            path("case/<int:case_pk>/", wrap(staff.case_notice), name="notices_case_notice"),
            path("case/<int:case_pk>/publish/", wrap(staff.publish), name="notices_publish"),
            path("case/<int:case_pk>/photo/", wrap(staff.photo_add), name="notices_photo_add"),
            path("case/<int:case_pk>/take-down/", wrap(staff.take_down), name="notices_take_down"),
            path("photo/<int:pk>/", wrap(staff.photo_download), name="notices_photo_download"),
            # Objections (notices/staff_objections.py)
            path("case/<int:case_pk>/objections/", wrap(staff_objections.case_objections), name="notices_objections"),
            path(
                "case/<int:case_pk>/objections/paper/", wrap(staff_objections.paper_add), name="notices_objection_paper"
            ),
            path("objection/<int:pk>/", wrap(staff_objections.objection_page), name="notices_objection"),
            path(
                "objection/<int:pk>/handling/", wrap(staff_objections.handling_add), name="notices_objection_handling"
            ),
            path("objection/<int:pk>/close/", wrap(staff_objections.close), name="notices_objection_close"),
            path(
                "objection/<int:pk>/receipt.pdf", wrap(staff_objections.receipt_pdf), name="notices_objection_receipt"
            ),
            path("objection/<int:pk>/reply.pdf", wrap(staff_objections.reply_pdf), name="notices_objection_reply"),
            path("objection-file/<int:pk>/", wrap(staff_objections.file_download), name="notices_objection_file"),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__in=case_list_visible_to(user=request.user))
