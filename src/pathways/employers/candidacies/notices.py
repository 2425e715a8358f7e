"""Who hears that a person answered about a job shared with them
(``core.notifications``): the worker of their open episode, for a yes or a no (a
"later" keeps the job waiting and tells nobody). The text names nobody."""

from __future__ import annotations

from django.urls import reverse

from pathways.casework.models import Episode
from pathways.core.notifications import notification_kind, notify
from pathways.employers.candidacies.models import Candidacy, PersonAnswer

JOB_ANSWER = notification_kind(
    "job_answer", "A person answered about a job you shared with them"
).name


def worker_of(person_id: int) -> Episode | None:
    """The person's open episode with a worker (the latest started, if several)."""
    return (
        Episode.objects.filter(person_id=person_id, ended_on__isnull=True, worker__isnull=False)
        .select_related("worker")
        .order_by("-started_on", "-pk")
        .first()
    )


def job_answered(candidacy: Candidacy) -> None:
    episode = worker_of(candidacy.person_id)
    if episode is None or episode.worker is None:
        return
    said = "yes" if candidacy.person_answer == PersonAnswer.YES else "no thanks"
    notify(
        episode.worker,
        JOB_ANSWER,
        f"A person you support said {said} to a job you shared with them.",
        reverse("employers:candidacy", args=[candidacy.pk]),
        key=f"job_answer:{candidacy.pk}:{candidacy.version}",
    )
