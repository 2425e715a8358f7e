from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "pathways.reporting"
    label = "reporting"
