from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("业主表决")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Models are loaded only now, at ready(): what this app registers into the apps below.
        from audit.registry import register_events

        from . import extensions
        from .events import VoteEvent

        register_events(VoteEvent.choices)
        extensions.register()
