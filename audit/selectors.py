"""Reading the log: only through the scope cases registers (audit.registry), so an office
reads its own log and the city-wide roles every office's."""

from django.db.models import QuerySet

from . import registry
from .models import AuditEvent


def audit_event_list_visible_to(*, user) -> QuerySet[AuditEvent]:
    """The events the user may read; nothing while no scope is registered."""
    scope = registry.log_scope()
    if scope is None:
        return AuditEvent.objects.none()
    return scope(user=user)
