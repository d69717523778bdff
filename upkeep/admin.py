"""The registers in the back office: a list to look them up (nothing edited here: the
register page's forms go through the services) and the register page with its actions,
served under RegisterAdmin.get_urls (upkeep/staff.py)."""

from functools import partial

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path, reverse

from audit.admin import ReadOnlyAdminMixin
from cases.selectors import case_list_visible_to

from . import staff
from .models import Register
from .permissions import is_using_unit_user


@admin.register(Register)
class RegisterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "using_unit_name", "registration_certificate", "registered_on", "updated_at"]
    fields = ["case", "using_unit_kind", "using_unit_name", "registration_certificate", "registered_on"]
    readonly_fields = fields
    list_select_related = ["case"]
    search_fields = ["case__number"]
    list_per_page = 50

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(partial(view, admin_site=self.admin_site))

        return [
            path("case/<int:case_pk>/", wrap(staff.register_page), name="upkeep_register_page"),
            path("case/<int:case_pk>/save/", wrap(staff.register_save), name="upkeep_register_save"),
            path("case/<int:case_pk>/use-registration/", wrap(staff.use_registration), name="upkeep_use_registration"),
            path("case/<int:case_pk>/contract/", wrap(staff.contract_add), name="upkeep_contract_add"),
            path("case/<int:case_pk>/inspection/", wrap(staff.inspection_add), name="upkeep_inspection_add"),
            path("case/<int:case_pk>/visit/", wrap(staff.visit_add), name="upkeep_visit_add"),
            path("case/<int:case_pk>/cost/", wrap(staff.cost_add), name="upkeep_cost_add"),
            path("case/<int:case_pk>/publish-costs/", wrap(staff.costs_publish), name="upkeep_costs_publish"),
            path("case/<int:case_pk>/shares.xlsx", wrap(staff.shares_xlsx), name="upkeep_shares_xlsx"),
            path("case/<int:case_pk>/shares.pdf", wrap(staff.shares_pdf), name="upkeep_shares_pdf"),
            path("visit/<int:pk>/scan/", wrap(staff.visit_scan), name="upkeep_visit_scan"),
            path("mine/", wrap(staff.my_registers), name="upkeep_my_registers"),
            path("case/<int:case_pk>/member/", wrap(staff.member_add), name="upkeep_member_add"),
            path(
                "case/<int:case_pk>/member/<int:member_pk>/remove/",
                wrap(staff.member_remove),
                name="upkeep_member_remove",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        # The using unit's account reaches this list from the home page's app list (its one
        # model permission): its own page lists its registers with their warnings.
        if is_using_unit_user(request.user):
            return redirect(reverse("admin:upkeep_my_registers"))
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__in=case_list_visible_to(user=request.user))
