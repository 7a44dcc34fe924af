from django.apps import AppConfig


class AdaptabilityConfig(AppConfig):
    name = "kaifang.adaptability"
    label = "adaptability"
    verbose_name = "政策适配性评估"
    default_auto_field = "django.db.models.BigAutoField"
