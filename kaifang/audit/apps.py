from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kaifang.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from kaifang.audit import signals

        signals.connect()
