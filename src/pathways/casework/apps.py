from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "pathways.casework"
    label = "casework"

    def ready(self) -> None:
        from pathways.casework import notices  # noqa: F401  registers the notification kinds
        from pathways.casework.policy import episode_policy, feedback_policy, open_episode_with
        from pathways.casework.selectors import open_cases_held
        from pathways.core.accounts import count_open_cases_with
        from pathways.core.policies import add_perms
        from pathways.people.policy import person_policy

        add_perms(episode_policy, "casework", "episode")
        add_perms(feedback_policy, "casework", "feedback")
        count_open_cases_with(open_cases_held)
        person_policy.relate(open_episode_with)
