from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "pathways.employers"
    label = "employers"

    def ready(self) -> None:
        from pathways.core.policies import add_perms
        from pathways.employers import policy

        add_perms(policy.employer_policy, "employers", "employer")
        add_perms(policy.opportunity_policy, "employers", "opportunity")
        add_perms(policy.candidacy_policy, "employers", "candidacy")
        add_perms(policy.cohort_policy, "employers", "internshipcohort")
        add_perms(policy.pledge_policy, "employers", "socialvaluepledge")
