"""The money page in the staff back office, at /admin/funding/fundingsource/case/<case_pk>/
(`admin:funding_case_money`), reached from the case page's money panel (registered in
apps.py). The funding rows have no form of their own in the admin: the money changes only
on that page, through the services. Their list is read-only, scoped to the cases the user
sees, and off the home page's list of models (the money is found through its case)."""

from functools import partial

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path

from audit.admin import ReadOnlyAdminMixin
from cases.selectors import case_list_visible_to

from . import views, views_accounts, views_ledger
from .models import FundingSource


# The admin's add, change and delete pages would write past the services (and past the
# office check): closed to everyone (ReadOnlyAdminMixin). A row's page is its case's.
@admin.register(FundingSource)
class FundingSourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "kind", "amount", "note"]
    list_select_related = ["case"]
    search_fields = ["case__number"]

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(partial(view, admin_site=self.admin_site))

        return [
            path("case/<int:case_pk>/", wrap(views.case_money), name="funding_case_money"),
            path("case/<int:case_pk>/ledger/", wrap(views_ledger.case_ledger_page), name="funding_case_ledger"),
            path(
                "case/<int:case_pk>/ledger/<int:entry_pk>/voucher/",
                wrap(views_ledger.ledger_voucher),
                name="funding_ledger_voucher",
            ),
            path(
                "case/<int:case_pk>/flat/<int:flat_pk>/",
                wrap(views_accounts.flat_account_page),
                name="funding_flat_account",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        return FundingSource.objects.filter(case__in=case_list_visible_to(user=request.user))

    def has_module_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        source = self.get_object(request, object_id)
        if source is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return redirect("admin:cases_case_change", source.case_id)


# Withdrawals, the subsidy and the offices' rules (issue 15 §2): their own module.
from . import admin_withdrawal  # noqa: E402, F401
