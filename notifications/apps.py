from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Mail and the in-portal inbox (issue 16 §2) for staff and owners. It stands on the apps
    whose events it tells about (cases, voting, notices, …); the owners' portal reads its inbox."""

    name = "notifications"
    verbose_name = _("通知")
    default_auto_field = "django.db.models.BigAutoField"
