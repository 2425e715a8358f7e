"""A job's milestones prompt the person to say how it is going: its start, and 13, 26
and 52 weeks in work while they are still there (registered with
``casework.prompts`` when Django starts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from pathways.casework.prompts import Prompt, prompt_kind, prompt_source
from pathways.employment.models import MILESTONE_WEEKS, Placement
from pathways.people.models import Person

JOB_START = prompt_kind("job_start", "Job started")
WEEKS = {
    weeks: prompt_kind(f"weeks_{weeks}", f"{weeks} weeks in work") for weeks in MILESTONE_WEEKS
}


@prompt_source
def job_milestones(person: Person, on: dt.date) -> Iterable[Prompt]:
    """The start of each job that began in the last year, and each 13/26/52-week
    milestone reached while the person was still in that job (one query)."""
    longest = dt.timedelta(days=7 * MILESTONE_WEEKS[-1] + 366)
    jobs = Placement.objects.filter(
        person=person, start_date__lte=on, start_date__gte=on - longest
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=on - longest))
    for job in jobs:
        yield Prompt(
            f"{JOB_START}:{job.pk}", "You started your job. How is it going?", job.start_date
        )
        for weeks, kind in WEEKS.items():
            reached = job.start_date + dt.timedelta(days=7 * weeks)
            if reached <= on and (job.end_date is None or job.end_date >= reached):
                yield Prompt(
                    f"{kind}:{job.pk}",
                    f"You have been in your job for {weeks} weeks. How is it going?",
                    reached,
                )
