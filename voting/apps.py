from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = "业主表决"
    default_auto_field = "django.db.models.BigAutoField"
