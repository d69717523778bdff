from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (`seed_demo`) and the one way a case is brought to a step
    (`demo.progress`). It stands on cases and voting; nothing in the portal imports it."""

    name = "demo"
    default_auto_field = "django.db.models.BigAutoField"
