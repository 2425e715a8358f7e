"""Recording an employer's social-value pledge (its progress is a read:
``pledges.selectors``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pathways.core.models import User
from pathways.employers.engagement.models import Employer
from pathways.employers.engagement.services import require_employer_change
from pathways.employers.pledges.models import SocialValuePledge


@transaction.atomic
def add_pledge(actor: User, employer: Employer, **fields: Any) -> SocialValuePledge:
    require_employer_change(actor, employer)
    pledge = SocialValuePledge(employer=employer, **fields)
    pledge.full_clean()
    if pledge.starts_on > pledge.ends_on:
        raise ValidationError({"ends_on": "The pledge must end after it starts."})
    pledge.save()
    return pledge
