from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("资金与分摊")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Models are loaded only now, at ready(): what this app registers into the apps below.
        from audit.registry import register_events
        from cases.extensions import register_case_opened, register_case_panel

        from .events import FundingEvent
        from .events_accounts import AccountEvent
        from .events_withdrawal import WithdrawalEvent
        from .services import case_money_start
        from .views import money_panel_context

        register_events(FundingEvent.choices)
        register_events(WithdrawalEvent.choices)
        register_events(AccountEvent.choices)

        # A new case starts with the agreement's common wording and the default coefficients.
        register_case_opened("funding.money", case_money_start)
        # The case page's money: below the details (the flats), on the text page and the form.
        register_case_panel(
            "funding.money",
            order=10,
            template_name="funding/case_money_panel.html",
            context=money_panel_context,
            place="below",
        )
