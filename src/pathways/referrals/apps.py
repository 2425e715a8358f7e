from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "pathways.referrals"
    label = "referrals"

    def ready(self) -> None:
        from pathways.core.policies import add_perms
        from pathways.people.policy import person_policy
        from pathways.referrals import notices  # noqa: F401  registers the notification kinds
        from pathways.referrals.policy import live_referral_to_team, referral_policy

        add_perms(referral_policy, "referrals", "referral")
        person_policy.relate(live_referral_to_team)
