"""The receiver connected in NotificationsConfig.ready(): each new row of the audit log is
looked up in notifications.on_events.HANDLERS (a dict lookup; most events tell no one)."""

from . import on_events


def audit_event_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        on_events.handle(instance)
