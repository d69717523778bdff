from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("格式文书")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Models are loaded only now, at ready(): what this app registers into the apps below.
        from audit.registry import register_events

        from . import evidence_sources, extensions
        from .events import DocumentEvent

        register_events(DocumentEvent.choices)
        extensions.register()
        # The steps, the generated documents and the vote in the case's evidence bundle.
        evidence_sources.register()
