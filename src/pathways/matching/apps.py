from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "pathways.matching"
    label = "matching"
