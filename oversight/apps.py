from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """What is read-only across the other apps (issue 16): the dashboards, the staff lists'
    exports and the audit log viewer. It reads every app below it; nothing imports it."""

    name = "oversight"
    verbose_name = _("监督与统计")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Models are loaded only now; the admin (the first app) has registered every list.
        from audit.registry import register_events
        from cases.extensions import register_list_links

        from . import exports_admin, exports_cases, exports_events
        from .exports import register_source

        register_events(exports_events.ExportEvent.choices)
        # The staff lists' exports (issue 16 §4): 我的导出, then the links on every list.
        exports_admin.register()
        exports_admin.install()
        register_source("cases.case", exports_cases.case_table)
        register_list_links("cases.queue", exports_cases.queue_links)
        register_source("upkeep.register", exports_cases.register_table)
        register_list_links("upkeep.mine", exports_cases.mine_links)
