from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The composing app on top of the pathway: what a staff member's day spans."""

    name = "pathways.workspace"
    label = "workspace"
