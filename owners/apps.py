from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OwnersConfig(AppConfig):
    name = "owners"
    verbose_name = _("业主端")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Models are loaded only now: what this app registers into the apps below.
        from audit.registry import register_events
        from audit.reveal import register_revealable

        from . import evidence, extensions, personal_data
        from .events import OwnersEvent

        register_events(OwnersEvent.choices)
        register_revealable(personal_data.ACCOUNT_MOBILE)  # the sign-in mobile, masked
        extensions.register()
        # The agreement and who confirmed it, in the case's evidence bundle (documents.evidence).
        evidence.register()
