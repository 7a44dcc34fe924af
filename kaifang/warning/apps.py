from django.apps import AppConfig


class WarningConfig(AppConfig):
    name = "kaifang.warning"
    label = "warning"
    verbose_name = "经济安全预警"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from kaifang.observations.models import ImportBatch
        from kaifang.warning.hooks import on_batch_saved

        # new vintages arrive as an ImportBatch (ingest.submit); the engine runs once they are committed
        post_save.connect(on_batch_saved, sender=ImportBatch, dispatch_uid="warning.on_batch_saved")
