"""The audit log in the back office: read-only for everyone, superusers included."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import registry, selectors
from .models import AuditEvent


class ReadOnlyAdminMixin:
    """Evidence (audit rows, generated documents): nobody adds, changes or deletes it in the
    admin, superusers included; only the services write it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventListFilter(admin.SimpleListFilter):
    """The events the apps declare, by their labels: from the registry, not from the rows
    (a DISTINCT over the whole log at city scale) nor from field choices (there are none)."""

    title = _("事件")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return registry.event_choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(event=self.value())
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: the log is evidence."""

    list_display = ["created_at", "event_display", "actor", "case", "message"]
    list_filter = [EventListFilter]
    search_fields = ["message", "case__number", "actor__username"]
    list_select_related = ["actor", "case"]
    fields = ["event_display", "actor", "case", "jurisdiction", "object_type", "object_id", "message", "data"]
    readonly_fields = ["event_display"]
    # Newest first from an index of its own (per office: `audit_by_office_newest`); no date
    # hierarchy and no second count of the whole log: at city scale each read every row.
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return selectors.audit_event_list_visible_to(user=request.user).select_related("actor", "case")

    @admin.display(description=_("事件"), ordering="event")
    def event_display(self, obj):
        return obj.get_event_display()
