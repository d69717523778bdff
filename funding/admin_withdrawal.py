"""The admin of withdrawals and the subsidy: the offices' own rules (资金规则, superusers edit
them; each save through `services_withdrawal.funding_rules_save`, logged), and the pages of
funding/views_withdrawal.py hung on its URLs. Imported by funding/admin.py."""

from functools import partial

from django.contrib import admin
from django.urls import path

from . import services_withdrawal, views_withdrawal
from .models_withdrawal import FundingRules


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
