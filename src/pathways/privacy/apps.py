from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Data protection over the whole pathway: subject access, retention and erasure.

    It sits above the domain apps because what it gathers (a subject access archive)
    and what it erases spans every one of them."""

    name = "pathways.privacy"
    label = "privacy"
