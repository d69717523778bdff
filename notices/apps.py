from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("公示")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Models are loaded only now, at ready(): what this app registers into the apps below.
        from audit.registry import register_events
        from audit.reveal import register_revealable
        from cases.extensions import register_case_panel, register_step_check
        from cases.workflow import PROCEDURES

        from . import evidence, personal_data
        from .checks import notice_approval_problems
        from .events import NoticeEvent
        from .staff import panel_context

        register_events(NoticeEvent.choices)
        register_revealable(personal_data.OBJECTION_PHONE)  # the objector's phone, masked
        # Step 2 (公示见证) is approved only once its notice has run its whole period.
        register_step_check(
            "notices.period",
            notice_approval_problems,
            stages=("approve",),
            procedures=[p.number for p in PROCEDURES if p.has_notice],
        )
        # A line and a link below the details (after the owners' accounts, before the money).
        register_case_panel(
            "notices.notice",
            order=8,
            template_name="notices/case_panel.html",
            context=panel_context,
            place="below",
        )
        # The notice, its posted version and its photos in the case's evidence bundle.
        evidence.register()
