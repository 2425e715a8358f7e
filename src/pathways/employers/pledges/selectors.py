"""Social-value pledges with their progress: the places an employer opened for the
authority's people and the candidacies accepted, in the pledge's period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from pathways.core.models import User
from pathways.employers.candidacies.models import Candidacy, CandidacyStatus
from pathways.employers.opportunities.models import Opportunity
from pathways.employers.pledges.models import SocialValuePledge
from pathways.employers.pledges.policy import pledge_policy


@dataclass
class PledgeProgress:
    pledge: SocialValuePledge
    offered: int  # places of the employer's opportunities for the authority in the period
    started: int  # candidacies accepted in the period
    on: dt.date

    @property
    def met(self) -> bool:
        return self.offered >= self.pledge.target

    @property
    def status(self) -> str:
        if self.met:
            return "Kept"
        if self.on > self.pledge.ends_on:
            return "Not kept"
        return "In progress"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.offered / self.pledge.target))


def pledge_progress(user: User | None, *, on: dt.date | None = None) -> list[PledgeProgress]:
    """Every pledge the user may see with what the employer has done towards it.

    Three queries whatever the number of pledges: the pledges, then the opportunities
    and the accepted candidacies of the employers concerned."""
    day = on or timezone.localdate()
    pledges = SocialValuePledge.objects.select_related("employer", "authority")
    if user is not None:
        pledges = pledge_policy.visible(user, pledges)
    pledges_list = list(pledges.order_by("-ends_on", "employer__name", "pk"))
    employer_ids = {p.employer_id for p in pledges_list}
    offered: dict[tuple[int, int], list[tuple[dt.date, int]]] = defaultdict(list)
    for employer_id, authority_id, opened_on, places in Opportunity.objects.filter(
        employer_id__in=employer_ids
    ).values_list("employer_id", "authority_id", "opened_on", "places"):
        offered[(employer_id, authority_id)].append((opened_on, places))
    started: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for employer_id, authority_id, status_on in Candidacy.objects.filter(
        opportunity__employer_id__in=employer_ids, status=CandidacyStatus.ACCEPTED
    ).values_list("opportunity__employer_id", "opportunity__authority_id", "status_on"):
        started[(employer_id, authority_id)].append(status_on)
    out = []
    for pledge in pledges_list:
        key = (pledge.employer_id, pledge.authority_id)
        window = (pledge.starts_on, min(pledge.ends_on, day))
        out.append(
            PledgeProgress(
                pledge=pledge,
                offered=sum(n for d, n in offered[key] if window[0] <= d <= window[1]),
                started=sum(1 for d in started[key] if window[0] <= d <= window[1]),
                on=day,
            )
        )
    return out
