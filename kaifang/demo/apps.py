from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kaifang.demo"
    label = "demo"
    verbose_name = "示例工作区"
