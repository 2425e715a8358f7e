from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "pathways.matching"
    label = "matching"

    def ready(self) -> None:
        from pathways.matching import invalidation

        invalidation.connect()
