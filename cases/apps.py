from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("案件与房屋")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit import registry as audit_registry
        from audit import reveal

        from . import events, personal_data, scoping, selectors, sign_ins
        from .roles import sync_role_groups

        post_migrate.connect(sync_role_groups, dispatch_uid="cases.sync_role_groups")
        # The audit log (below cases): our events, whose log an event goes to, who reads which.
        audit_registry.register_events(events.CaseEvent.choices)
        audit_registry.register_office_resolver(scoping.jurisdiction_of)
        audit_registry.register_log_scope(selectors.audit_event_list_visible_to)
        for item in personal_data.REVEALABLE:  # shown masked, in full on a logged click
            reveal.register_revealable(item)
        user_logged_in.connect(sign_ins.on_user_logged_in, dispatch_uid="cases.sign_ins.logged_in")
        user_login_failed.connect(sign_ins.on_user_login_failed, dispatch_uid="cases.sign_ins.login_failed")
