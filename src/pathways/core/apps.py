from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pathways.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from pathways.core import audit

        audit.protect_log_entries()
