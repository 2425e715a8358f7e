from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Data protection over the whole pathway: subject access, retention and erasure.

    It sits above the domain apps because what it gathers (a subject access archive)
    and what it erases spans every one of them."""

    name = "pathways.privacy"
    label = "privacy"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from pathways.core.policies import add_perms
        from pathways.privacy import notices  # noqa: F401  registers the notification kinds
        from pathways.privacy.models import SubjectAccessRequest
        from pathways.privacy.policy import subject_access_policy

        add_perms(subject_access_policy, "privacy", "subjectaccessrequest")
        # A request is part of the person's record: its changes are on their trail.
        auditlog.register(SubjectAccessRequest)
