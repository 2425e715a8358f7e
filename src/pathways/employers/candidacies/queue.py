"""The work-queue kind for answers from the person's portal, registered with
``casework.queue.kind``: a yes or a no to a job shared with them that nobody has acted
on since (moving the candidacy on, or withdrawing it, clears it). One query for every
listed episode."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import F
from django.urls import reverse

from pathways.casework.models import Episode
from pathways.casework.queue import QueueItem, kind
from pathways.employers.candidacies.models import ENDED, Candidacy, PersonAnswer

#: Days an answer may wait before the item shows as overdue.
ANSWER_WAITS_DAYS = 2


@kind("job_answer", label="Answered about a job")
def job_answer(episodes: list[Episode], on: dt.date) -> Iterable[QueueItem]:
    """The person answered yes or no in their portal and the candidacy has not moved."""
    by_person: dict[int, Episode] = {}
    for episode in episodes:
        by_person.setdefault(episode.person_id, episode)
    answers = (
        Candidacy.objects.filter(
            person_id__in=set(by_person),
            person_answer__in=(PersonAnswer.YES, PersonAnswer.NO),
            answered_at_version=F("version"),
            person_answer_on__lte=on,
        )
        .exclude(status__in=ENDED)
        .select_related("opportunity__employer")
        .order_by("person_answer_on", "pk")
    )
    for candidacy in answers:
        due = candidacy.person_answer_on
        assert due is not None  # an answer always has its date (a check constraint)
        said = "Yes" if candidacy.person_answer == PersonAnswer.YES else "No thanks"
        opportunity = candidacy.opportunity
        yield QueueItem(
            "job_answer",
            by_person[candidacy.person_id],
            due,
            (on - due).days > ANSWER_WAITS_DAYS,
            f"{said} to {opportunity.title} at {opportunity.employer.name}",
            reverse("employers:candidacy", args=[candidacy.pk]),
        )
