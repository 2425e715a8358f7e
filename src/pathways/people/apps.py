from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "pathways.people"
    label = "people"

    def ready(self) -> None:
        from pathways.core.policies import add_perms
        from pathways.people.policy import person_policy

        add_perms(person_policy, "people", "person")
