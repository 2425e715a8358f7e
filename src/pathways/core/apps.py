from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pathways.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from pathways.core import audit, checks  # noqa: F401  checks registers the key check

        audit.protect_log_entries()
