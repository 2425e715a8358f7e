from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    """What a council buys and whether it works: the provider directory, contracts with
    targets and an outcome tariff, payment-by-results claims, personal-budget purchases
    and the authority's own targets and comparators.

    It sits above employment (an outcome is a job and its milestones) and below
    reporting (the savings report sets the programme's cost beside the care costs
    saved) and privacy (a purchase or a claim line is about a person)."""

    name = "pathways.commissioning"
    label = "commissioning"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from pathways.commissioning import models, policy

        policy.register()
        policy.register_onward()
        # Rows about a person are on their trail; claims and contracts on their own.
        for model in (
            models.Contract,
            models.Tariff,
            models.Claim,
            models.ClaimLine,
            models.Purchase,
            models.OnwardReferral,
            models.AuthorityTarget,
        ):
            auditlog.register(model)
        # Where a provider works is part of its entry: a change of authorities is logged.
        auditlog.register(models.Provider, m2m_fields={"authorities"})
