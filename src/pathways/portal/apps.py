from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The person's own Pathways: easy-read pages for the person (and, with their
    consent, a supporter), composed from the apps below like the workspace is for staff."""

    name = "pathways.portal"
    label = "portal"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from pathways.portal.models import PortalAccount
        from pathways.portal.names import portal_names
        from pathways.privacy.who_looked import accounts_are_named_by

        auditlog.register(PortalAccount)
        accounts_are_named_by(portal_names)

        from pathways.portal import demo, services
        from pathways.privacy import erasure

        erasure.register(
            erasure.PersonRows(PortalAccount, "person", ("ended_reason",)),
            before=services.close_for_erasure,
            identifiers=services.identifiers_for_erasure,
        )

        from pathways.casework.reminders import reminder_recipients
        from pathways.portal.reminders import recipients_for

        reminder_recipients(recipients_for)  # appointment reminders go to who said yes

        from pathways.workspace import demo as workspace_demo

        if demo.load not in workspace_demo.EXTRA_STEPS:
            workspace_demo.EXTRA_STEPS.append(demo.load)
            workspace_demo.EXTRA_NOTES.append(demo.sign_in_notes)
