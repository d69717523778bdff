from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpkeepConfig(AppConfig):
    name = "upkeep"
    verbose_name = _("电梯使用管理")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Models are loaded only now, at ready(): what this app registers into the apps below.
        from audit.registry import register_events
        from cases.extensions import register_case_panel, register_use_registration

        from .events import UpkeepEvent
        from .selectors import use_registered_on
        from .staff import panel_context

        register_events(UpkeepEvent.choices)
        # The money steps that wait for the use registration (funding: withdrawals,
        # subsidies) ask cases.extensions.use_registered_on.
        register_use_registration(use_registered_on)
        # A line and a link below the details, after the money (order 10): completed cases only.
        register_case_panel(
            "upkeep.register",
            order=12,
            template_name="upkeep/case_panel.html",
            context=panel_context,
            place="below",
        )
