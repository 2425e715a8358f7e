"""Demo: one provider whose figures raise a parking flag on the providers report.

For the demo authority, the provider whose organisation runs the IPS team (its
directory entry and contracts come from ``demo_commissioning``; with no contract this
does nothing): enough of the team's open episodes, those open long enough, are left
with their last contact well past the team's no-contact days and no change of stage
for over 182 days (``commissioning.performance``'s parking thresholds). Each change is
a saved row, so it is on the audit trail like any other edit. Not wired into
``demo.load``; the integrator calls ``load_parking`` after the contracts exist.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from pathways.casework.models import Episode, StageEntry
from pathways.commissioning.models import Contract
from pathways.commissioning.performance import MIN_OPEN, PARKING_SHARE, STALLED_DAYS
from pathways.core.models import Team

DEMO_AUTHORITY = "E09000099"
IPS_TEAM = "RB-IPS"
#: The share of the open episodes left parked: well over the flag's threshold.
PARKED_SHARE = PARKING_SHARE * 2


@transaction.atomic
def load_parking(today: dt.date | None = None, *, team_code: str = IPS_TEAM) -> int:
    """Park the IPS provider's oldest open episodes; says how many (0 when there is no
    contract, or too few open episodes for the flag)."""
    today = today or timezone.localdate()
    team = Team.objects.filter(code=team_code, authority__code=DEMO_AUTHORITY).first()
    if team is None:
        return 0
    if not Contract.objects.filter(
        authority__code=DEMO_AUTHORITY,
        provider__organisation_id=team.organisation_id,
        start_date__lte=today,
        end_date__gte=today,
    ).exists():
        return 0
    cutoff = today - dt.timedelta(days=STALLED_DAYS + 1)
    open_episodes = list(
        Episode.objects.filter(team=team, ended_on__isnull=True).order_by("started_on", "pk")
    )
    old = [e for e in open_episodes if e.started_on <= cutoff]
    wanted = int(len(open_episodes) * PARKED_SHARE) + 1
    if len(open_episodes) < MIN_OPEN or len(old) < wanted:
        return 0
    quiet = today - dt.timedelta(days=team.no_contact_days + 45)
    for episode in old[:wanted]:
        episode.last_contact_on = max(min(quiet, cutoff), episode.started_on)
        episode.save(update_fields=["last_contact_on"])
        for entry in StageEntry.objects.filter(episode=episode, entered_on__gt=cutoff):
            entry.entered_on = cutoff
            entry.save(update_fields=["entered_on"])
    return wanted
