from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "kaifang.collection"
    label = "collection"
    verbose_name = "数据采集（月度调度）"
