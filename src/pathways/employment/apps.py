from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "pathways.employment"
    label = "employment"

    def ready(self) -> None:
        from pathways.employment import queue  # noqa: F401  registers the queue kinds
