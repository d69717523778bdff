from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Mail and the in-portal inbox (issue 16 §2) for staff and owners. It stands on the apps
    whose events it tells about (cases, voting, notices, …); the owners' portal reads its inbox."""

    name = "notifications"
    verbose_name = _("通知")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from audit.models import AuditEvent

        from .receivers import audit_event_saved

        # Every named event the apps log passes here once, in the transaction that wrote it.
        post_save.connect(audit_event_saved, sender=AuditEvent, dispatch_uid="notifications.audit_event_saved")
