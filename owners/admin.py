"""The owners' accounts and activation codes in the back office: lists to look things up,
nothing to edit (accounts change through the services, from the case page's panel:
owners/staff.py, whose actions are served here, under OwnerAccountAdmin.get_urls).

Scoped like the owner records they belong to: an office sees the accounts of persons who
own flats in its district, the city sees all. No password, no full mobile number, and no
code digest is shown to anyone."""

from functools import partial

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from audit import reveal
from audit.admin import ReadOnlyAdminMixin
from cases.selectors import case_list_visible_to, ownership_list_visible_to

from . import staff
from .models import ActivationCode, OwnerAccount


class _OwnerRecordsReaders:
    """Whoever may read the office's owner records reads these lists; nobody writes."""

    def has_view_permission(self, request, obj=None):
        return staff.can_view_owner_accounts(request.user)

    def has_module_permission(self, request):
        return staff.can_view_owner_accounts(request.user)


@admin.register(OwnerAccount)
class OwnerAccountAdmin(_OwnerRecordsReaders, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["owner_name", "masked_mobile", "state", "activated_at", "disabled_at", "disabled_reason"]
    fields = ["owner_name", "masked_mobile", "state", "activated_at", "disabled_at", "disabled_by", "disabled_reason"]
    readonly_fields = fields
    list_select_related = ["user", "disabled_by"]
    search_fields = ["user__full_name", "=mobile"]
    list_per_page = 50

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(partial(view, admin_site=self.admin_site))

        return [
            path("case/<int:case_pk>/", wrap(staff.case_accounts), name="owners_case_accounts"),
            path("case/<int:case_pk>/letters/", wrap(staff.letters_issue), name="owners_case_letters"),
            path(
                "case/<int:case_pk>/owner/<int:owner_pk>/letter/",
                wrap(staff.letter_reissue),
                name="owners_letter_reissue",
            ),
            path(
                "case/<int:case_pk>/owner/<int:owner_pk>/disable/",
                wrap(staff.account_disable),
                name="owners_account_disable",
            ),
            path("case/<int:case_pk>/signature/", wrap(staff.paper_signature), name="owners_paper_signature"),
            path("proxy-letter/<int:pk>/", wrap(staff.proxy_letter), name="owners_proxy_letter"),
            *super().get_urls(),
        ]

    @property
    def media(self):
        return super().media + reveal.MEDIA

    def get_list_display(self, request):
        # The mobile masked, with the 显示 button for the receiving office (audit/reveal.py).
        shown = reveal.column(request, key="owner_account.mobile", description=_("手机号码"), name="masked_mobile")
        return [shown if name == "masked_mobile" else name for name in self.list_display]

    def get_queryset(self, request):
        persons = ownership_list_visible_to(user=request.user).values("owner__person_id")
        return super().get_queryset(request).filter(user__person_id__in=persons)

    @admin.display(description=_("业主"), ordering="user__full_name")
    def owner_name(self, obj):
        return obj.user.full_name

    @admin.display(description=_("手机号码"))
    def masked_mobile(self, obj):
        return obj.masked_mobile

    @admin.display(description=_("状态"))
    def state(self, obj):
        return _("已停用") if obj.is_disabled else _("已激活")


@admin.register(ActivationCode)
class ActivationCodeAdmin(_OwnerRecordsReaders, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["owner", "case", "issued_at", "issued_by", "expires_at", "used_at", "voided_at", "voided_because"]
    fields = [*list_display, "failed_attempts"]  # never the digest
    readonly_fields = fields
    list_select_related = ["owner", "case", "issued_by"]
    search_fields = ["case__number", "owner__name"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__in=case_list_visible_to(user=request.user))
