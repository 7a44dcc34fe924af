from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "kaifang.catalog"
    label = "catalog"
    verbose_name = "指标目录"
