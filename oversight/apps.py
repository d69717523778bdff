from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """What is read-only across the other apps (issue 16): the dashboards, the staff lists'
    exports and the audit log viewer. It reads every app below it; nothing imports it."""

    name = "oversight"
    verbose_name = _("监督与统计")
    default_auto_field = "django.db.models.BigAutoField"
