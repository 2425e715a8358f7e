from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pathways.api"
    label = "api"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save

        from pathways.core import tokens
        from pathways.core.models import Membership, User

        pre_save.connect(
            tokens.end_tokens_on_password_change, sender=User, dispatch_uid="api-token-password"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                tokens.end_tokens_on_membership_change,
                sender=Membership,
                dispatch_uid=f"api-token-membership-{signal is post_save}",
            )
