from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "pathways.employers"
    label = "employers"

    def ready(self) -> None:
        from pathways.core.policies import add_perms
        from pathways.employers.candidacies import notices, queue  # noqa: F401  register kinds
        from pathways.employers.candidacies.policy import candidacy_policy
        from pathways.employers.cohorts.policy import cohort_policy
        from pathways.employers.engagement.policy import employer_policy
        from pathways.employers.opportunities.policy import opportunity_policy
        from pathways.employers.pledges.policy import pledge_policy

        add_perms(employer_policy, "employers", "employer")
        add_perms(opportunity_policy, "employers", "opportunity")
        add_perms(candidacy_policy, "employers", "candidacy")
        add_perms(cohort_policy, "employers", "internshipcohort")
        add_perms(pledge_policy, "employers", "socialvaluepledge")
