from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "pathways.people"
    label = "people"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from pathways.core.audit import note_reads
        from pathways.core.policies import add_perms
        from pathways.people.models import BreakGlass
        from pathways.people.policy import person_policy
        from pathways.people.services import break_glass_read_notes

        add_perms(person_policy, "people", "person")
        note_reads(break_glass_read_notes)
        # Opening and reviewing are changes on the person's trail (the rest of the
        # tracked models are listed in settings.AUDITLOG_INCLUDE_TRACKING_MODELS).
        auditlog.register(BreakGlass)
