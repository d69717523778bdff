"""The registers in the back office: a list to look them up (nothing edited here: the
register page's forms go through the services) and the register page with its actions,
served under RegisterAdmin.get_urls (upkeep/staff.py)."""

from functools import partial

from django.contrib import admin
from django.urls import path

from audit.admin import ReadOnlyAdminMixin
from cases.selectors import case_list_visible_to

from . import staff
from .models import Register


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
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__in=case_list_visible_to(user=request.user))
