"""The models Django loads for the ``employers`` app.

Each sub-domain defines its models in its own package (``engagement``, ``pledges``,
``opportunities``, ``candidacies``, ``cohorts``); Django takes a model's app from the
module it is defined in, so they all stay in this app, with its label, migrations,
tables and content types (audit entries point at those content types). This module
only imports them, so that Django finds them when it loads the app. Import a model from
its sub-domain, not from here.

The imports keep the order in which the models were declared before the split, so the
app registry lists them as before.
"""

# isort: off
from pathways.employers.engagement.models import (
    Employer,
    EmployerContact,
    EmployerSite,
    Engagement,
)
from pathways.employers.pledges.models import SocialValuePledge
from pathways.employers.opportunities.models import Opportunity
from pathways.employers.candidacies.models import Candidacy, CandidacyStep
from pathways.employers.cohorts.models import InternshipCohort, Rotation, RotationPlacement

# isort: on

__all__ = [
    "Employer",
    "EmployerSite",
    "EmployerContact",
    "Engagement",
    "SocialValuePledge",
    "Opportunity",
    "Candidacy",
    "CandidacyStep",
    "InternshipCohort",
    "Rotation",
    "RotationPlacement",
]
