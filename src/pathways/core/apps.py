from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pathways.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from pathways.core import audit, checks  # noqa: F401  checks registers the key check

        audit.protect_log_entries()

        from django.contrib.auth.signals import user_logged_in

        from pathways.core.middleware import note_sign_in_time

        user_logged_in.connect(note_sign_in_time, dispatch_uid="pathways-sign-in-time")
