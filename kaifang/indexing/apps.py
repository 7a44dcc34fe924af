from django.apps import AppConfig


class IndexingConfig(AppConfig):
    name = "kaifang.indexing"
    label = "indexing"
    verbose_name = "开放合作指数"
    default_auto_field = "django.db.models.BigAutoField"
