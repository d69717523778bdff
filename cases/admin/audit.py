"""The audit log, read-only for everyone."""

from django.contrib import admin

from .. import selectors
from ..models import (
    AuditEvent,
)
from .base import ReadOnlyAdminMixin

# --- audit ----------------------------------------------------------------------------


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: the log is evidence."""

    list_display = ["created_at", "event", "actor", "case", "message"]
    list_filter = ["event"]
    search_fields = ["message", "case__number", "actor__username"]
    list_select_related = ["actor", "case"]
    # Newest first from an index of its own (per office: `audit_by_office_newest`); no date
    # hierarchy and no second count of the whole log: at city scale each read every row.
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return selectors.audit_event_list_visible_to(user=request.user).select_related("actor", "case")
