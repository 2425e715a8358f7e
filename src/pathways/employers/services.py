"""The employer services ``core.demo`` calls, where it still looks for them. Each lives
in its sub-domain's ``services``; this module goes once ``core.demo`` imports them from
there."""

from pathways.employers.candidacies.services import employer_consent, move_candidacy, put_forward
from pathways.employers.cohorts.services import add_rotation, create_cohort, place_interns
from pathways.employers.engagement.services import (
    add_contact,
    add_site,
    create_employer,
    record_engagement,
)
from pathways.employers.opportunities.services import create_opportunity
from pathways.employers.pledges.services import add_pledge

__all__ = [
    "add_contact",
    "add_pledge",
    "add_rotation",
    "add_site",
    "create_cohort",
    "create_employer",
    "create_opportunity",
    "employer_consent",
    "move_candidacy",
    "place_interns",
    "put_forward",
    "record_engagement",
]
