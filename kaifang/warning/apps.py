from django.apps import AppConfig


class WarningConfig(AppConfig):
    name = "kaifang.warning"
    label = "warning"
    default_auto_field = "django.db.models.BigAutoField"
