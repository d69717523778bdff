"""The admin of withdrawals and the subsidy: the offices' own rules (资金规则, superusers edit
them; each save through `services_withdrawal.funding_rules_save`, logged), the pages of
funding/views_withdrawal.py hung on its URLs, and the list of applications (提取申请: the
deciders' queue, read-only, scoped to the cases the user sees; a row opens its page).
Imported by funding/admin.py."""

from functools import partial

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path

from audit.admin import ReadOnlyAdminMixin
from cases.roles import Role, roles_of
from cases.selectors import case_list_visible_to

from . import services_withdrawal, views_withdrawal
from .models_withdrawal import FundingRules, Withdrawal

# The roles whose work the applications are (who takes or decides them), and the superusers.
_WORKING_ROLES = {Role.FUND_REVIEWER, Role.DISTRICT_OFFICER}


def _works_on_withdrawals(user) -> bool:
    return user.is_active and user.is_staff and (user.is_superuser or bool(_WORKING_ROLES & roles_of(user)))


@admin.register(Withdrawal)
class WithdrawalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """待审核 first (the default filter is the reviewer's queue: ?state__exact=submitted)."""

    list_display = ["number", "case", "flat", "source", "amount", "channel", "state", "submitted_at"]
    list_filter = ["state", "source"]
    list_select_related = ["case", "flat"]
    search_fields = ["number", "case__number"]
    ordering = ["submitted_at", "pk"]

    def get_queryset(self, request):
        return Withdrawal.objects.filter(case__in=case_list_visible_to(user=request.user))

    def has_module_permission(self, request):
        return _works_on_withdrawals(request.user)

    def has_view_permission(self, request, obj=None):
        return _works_on_withdrawals(request.user)

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(partial(view, admin_site=self.admin_site))

        return [
            path(
                "case/<int:case_pk>/",
                wrap(views_withdrawal.case_withdrawals_page),
                name="funding_case_withdrawals",
            ),
            path("case/<int:case_pk>/<int:pk>/", wrap(views_withdrawal.withdrawal_page), name="funding_withdrawal"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        found = self.get_object(request, object_id)
        if found is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return redirect("admin:funding_withdrawal", found.case_id, found.pk)


@admin.register(FundingRules)
class FundingRulesAdmin(admin.ModelAdmin):
    list_display = [
        "jurisdiction",
        "provident_window_years",
        "maintenance_window_years",
        "maintenance_keep_percent",
        "subsidy_per_elevator",
    ]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services_withdrawal.funding_rules_save(rules=obj, actor=request.user, changed=list(form.changed_data))
