from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "pathways.employment"
    label = "employment"
