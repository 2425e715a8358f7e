from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "pathways.employment"
    label = "employment"

    def ready(self) -> None:
        from pathways.casework.signals import episode_closed
        from pathways.core.policies import add_perms
        from pathways.employment import notices, prompts, queue  # noqa: F401  register kinds
        from pathways.employment.policy import placement_policy
        from pathways.employment.services import progression_on_close

        add_perms(placement_policy, "employment", "placement")
        episode_closed.connect(progression_on_close, dispatch_uid="employment-progression")
