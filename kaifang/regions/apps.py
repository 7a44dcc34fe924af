from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "kaifang.regions"
    label = "regions"
    verbose_name = "行政区划"
