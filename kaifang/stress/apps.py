from django.apps import AppConfig


class StressConfig(AppConfig):
    name = "kaifang.stress"
    label = "stress"
    verbose_name = "风险压力测试"
    default_auto_field = "django.db.models.BigAutoField"
