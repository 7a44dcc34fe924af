from django.apps import AppConfig


class ObservationsConfig(AppConfig):
    name = "kaifang.observations"
    label = "observations"
    verbose_name = "观测值"
