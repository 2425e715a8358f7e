"""Support under way: the timeline of every episode, and the vocational profiles of
people in an open episode.

Timeline activities (``Scale.activities`` of them, shared over the episodes by how long
each has run) come from a random stream of their own: meetings, calls, job search,
employer contacts and the rest, each on a day inside its episode, recorded by the
episode's worker, most with a short note; the episode's ``last_contact_on`` is its
latest contact with the person. They are written as a stream, never held in memory.

Profiles come from the world-of-work random stream: the people chosen have their open
episodes moved on to a stage a profile belongs to (before the episodes are written),
then get what they want from work, in the shapes real profiles take.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from pathways.casework.models import Activity, ActivityKind, Stage, TravelMode, VocationalProfile
from pathways.core.models import OpportunityKind
from pathways.workspace.synthetic.base import (
    Builder,
    Dice,
    Generated,
    day_between,
    interest_vocabulary,
    weighted,
)
from pathways.workspace.synthetic.bulk import insert_rows, next_id, reset_sequences

#: The stages an open episode has reached once the person has a profile.
_PROFILED_STAGES = (
    (Stage.VOCATIONAL_PROFILING, 30),
    (Stage.JOB_FINDING, 35),
    (Stage.EMPLOYER_ENGAGEMENT, 25),
    (Stage.IN_WORK_SUPPORT, 10),
)
_PROFILE_KINDS = (
    (OpportunityKind.EMPLOYED, 45),
    (OpportunityKind.WORK_EXPERIENCE, 12),
    (OpportunityKind.VOLUNTEERING, 12),
    (OpportunityKind.WORK_TRIAL, 10),
    (OpportunityKind.APPRENTICESHIP, 9),
    (OpportunityKind.SUPPORTED_INTERNSHIP, 7),
    (OpportunityKind.SELF_EMPLOYED, 5),
)
_TRAVEL_MODES = tuple(TravelMode.values)

_W = Activity.With
#: Kinds of timeline entry: weight, who it was with, fewest and most minutes, notes.
_ACTIVITIES: tuple[tuple[str, int, tuple[str, ...], int, int, tuple[str, ...]], ...] = (
    (
        ActivityKind.MEETING,
        20,
        (_W.PERSON, _W.PERSON, _W.PERSON_AND_FAMILY),
        30,
        90,
        (
            "Talked through what kind of work would suit and what gets in the way",
            "Went over the action plan together; agreed the next two steps",
            "Met at the library; looked at local vacancies and travel times",
        ),
    ),
    (
        ActivityKind.PHONE,
        18,
        (_W.PERSON, _W.PERSON, _W.FAMILY),
        5,
        20,
        (
            "Rang to check how the week went",
            "Call to confirm the appointment on Thursday",
            "No answer; left a message and sent a text",
        ),
    ),
    (
        ActivityKind.VIDEO,
        6,
        (_W.PERSON,),
        15,
        45,
        ("Video call to prepare the CV", "Video call: reviewed job alerts together"),
    ),
    (
        ActivityKind.HOME_VISIT,
        4,
        (_W.PERSON_AND_FAMILY,),
        45,
        120,
        ("Home visit with mum present; talked about support at work",),
    ),
    (
        ActivityKind.JOB_SEARCH,
        12,
        (_W.PERSON, _W.NOBODY),
        30,
        120,
        (
            "Searched vacancies for warehouse and retail roles near home",
            "Found three part-time roles that fit the hours wanted",
        ),
    ),
    (
        ActivityKind.APPLICATION_SUPPORT,
        8,
        (_W.PERSON,),
        30,
        90,
        ("Helped complete an online application", "Wrote a covering letter together"),
    ),
    (
        ActivityKind.INTERVIEW_PREPARATION,
        5,
        (_W.PERSON,),
        30,
        60,
        ("Practised interview questions; agreed to ask for the questions in advance",),
    ),
    (
        ActivityKind.TRAVEL_TRAINING,
        4,
        (_W.PERSON,),
        60,
        180,
        ("Travelled the bus route to the site together", "Practised the journey alone"),
    ),
    (
        ActivityKind.BENEFITS_ADVICE,
        5,
        (_W.PERSON, _W.PROFESSIONAL),
        20,
        60,
        ("Better-off calculation explained; Universal Credit taper discussed",),
    ),
    (
        ActivityKind.EMPLOYER_CONTACT,
        8,
        (_W.EMPLOYER,),
        10,
        60,
        (
            "Spoke to the store manager about a work trial",
            "Employer agreed to adjust the start time",
        ),
    ),
    (
        ActivityKind.IN_WORK_COACHING,
        5,
        (_W.PERSON, _W.EMPLOYER),
        30,
        120,
        ("Coached on the till at the start of the shift", "Checked in at work; going well"),
    ),
    (
        ActivityKind.REVIEW,
        3,
        (_W.PERSON_AND_FAMILY, _W.PROFESSIONAL),
        30,
        90,
        ("Reviewed progress with the care coordinator",),
    ),
    (ActivityKind.OTHER, 2, (_W.NOBODY, _W.PROFESSIONAL), 5, 30, ("Updated the records",)),
)
_CONTACT = frozenset((_W.PERSON, _W.PERSON_AND_FAMILY))
_AFTER_WORK = dt.time(17, 30)  # when the day's entries were written up


def _activity_counts(episodes: list[dict[str, Any]], total: int, today: dt.date) -> list[int]:
    """``total`` shared over the episodes by how long each has run (a week at least, two
    years at most), exactly: each gets the whole part of its running share."""
    weights = [
        min(730, max(7, ((e["ended_on"] or today) - e["started_on"]).days)) for e in episodes
    ]
    whole, counts, before = sum(weights), [], 0
    running = 0
    for weight in weights:
        running += weight
        upto = total * running // whole
        counts.append(upto - before)
        before = upto
    return counts


class CaseworkSteps(Builder):
    """The timelines; choosing who has a profile, and making the profiles."""

    def activities(self, world: Generated, episodes: list[dict[str, Any]]) -> None:
        """``Scale.activities`` timeline entries over the episodes (numbered and written
        before the episodes, whose ``last_contact_on`` they set), as a stream."""
        if not self.scale.activities or not episodes:
            return
        counts = _activity_counts(episodes, self.scale.activities, self.today)
        written = insert_rows(Activity, self._timeline(episodes, counts, next_id(Activity)))
        reset_sequences(Activity)
        world.counts["activities"] = written

    def _timeline(
        self, episodes: list[dict[str, Any]], counts: list[int], first_id: int
    ) -> Iterator[dict[str, Any]]:
        rng, today = Dice(self.scale.seed * 2654435761 + 40503), self.today
        weights = [w for _, w, *_ in _ACTIVITIES]
        whole = sum(weights)
        cumulative = [sum(weights[: i + 1]) / whole for i in range(len(weights))]
        next_id_, last = first_id, len(_ACTIVITIES) - 1
        for episode, count in zip(episodes, counts, strict=True):
            start = episode["started_on"]
            span = max(0, ((episode["ended_on"] or today) - start).days)
            days = sorted(
                start + dt.timedelta(days=int(rng.random() * (span + 1))) for _ in range(count)
            )
            last_contact = None
            for day in days:
                roll = rng.random()
                kind = _ACTIVITIES[min(last, bisect_right(cumulative, roll))]
                code, _, withs, fewest, most, notes = kind
                with_whom = rng.pick(withs)
                if with_whom in _CONTACT:
                    last_contact = day
                minutes = rng.between(fewest, most)
                yield {
                    "id": next_id_,
                    "episode_id": episode["id"],
                    "kind": code,
                    "occurred_on": day,
                    "minutes": minutes,
                    "with_whom": with_whom,
                    "notes": rng.pick(notes) if rng.random() < 0.85 else "",
                    "recorded_by_id": episode["worker_id"],
                    "recorded_at": dt.datetime.combine(day, _AFTER_WORK, tzinfo=dt.UTC),
                    "shared_with_person": rng.random() < 0.05,
                }
                next_id_ += 1
            episode["last_contact_on"] = last_contact

    def choose_profiled(self, episodes: list[dict[str, Any]]) -> None:
        """Pick the people in support who have a vocational profile and move their open
        episodes on to a stage a profile belongs to (before the episodes are written)."""
        if not self.scale.profiles:
            return
        rng = self.work_rng
        current = [e for e in episodes if e["ended_on"] is None]
        chosen = rng.sample(range(len(current)), min(self.scale.profiles, len(current)))
        for i in sorted(chosen):
            episode = current[i]
            episode["stage"] = weighted(rng, _PROFILED_STAGES)
            self.profiled.append(episode)

    def profiles(self, world: Generated) -> None:
        """Vocational profiles for the people chosen by ``choose_profiled``: what they
        want from work, in the shapes real profiles take (some not said yet)."""
        if not self.profiled:
            return
        rng, today = self.work_rng, self.today
        vocabulary = interest_vocabulary()
        codes = list(vocabulary)
        kinds = [k for k, _ in _PROFILE_KINDS]
        weights = [w for _, w in _PROFILE_KINDS]
        through = VocationalProfile.interests.through
        first_profile, first_interest = next_id(VocationalProfile), next_id(through)
        profiles: list[dict[str, Any]] = []
        interests: list[dict[str, Any]] = []
        for n, episode in enumerate(self.profiled):
            roll = rng.random()
            fewest = most = None
            if roll < 0.75:  # both ends said
                fewest = Decimal(rng.between(2, 20))
                most = min(Decimal(48), fewest + rng.between(0, 24))
            elif roll < 0.88:  # "no more than"
                most = Decimal(rng.between(8, 30))
            profile_id = first_profile + n
            started = episode["started_on"]
            # Kinds in the vocabulary's order, as the profile form keeps them; a fifth
            # of people have not said yet.
            wanted = (
                set(rng.choices(kinds, weights, k=rng.between(1, 3)))
                if rng.random() < 0.8
                else set()
            )
            profiles.append(
                {
                    "id": profile_id,
                    "person_id": episode["person_id"],
                    "min_hours": fewest,
                    "max_hours": most,
                    "max_travel_km": (
                        Decimal(rng.between(10, 250)) / 10 if rng.random() < 0.9 else None
                    ),
                    "travel_modes": sorted(
                        {rng.pick(_TRAVEL_MODES) for _ in range(rng.between(1, 2))}
                    ),
                    "travel_training_needed": rng.pick((True, False, None)),
                    "kinds": [k for k in OpportunityKind.values if k in wanted],
                    "wants_paid_only": rng.pick((True, True, False, False, None)),
                    "better_off_calculation_on": (
                        day_between(rng, started, today) if rng.random() < 0.3 else None
                    ),
                    "updated_on": day_between(rng, started, today),
                }
            )
            picked = (
                rng.sample(codes, min(len(codes), rng.between(1, 4))) if rng.random() < 0.95 else []
            )
            base = first_interest + len(interests)
            interests.extend(
                {
                    "id": base + i,
                    "vocationalprofile_id": profile_id,
                    "interesttag_id": vocabulary[code][0],
                }
                for i, code in enumerate(sorted(picked))
            )
        insert_rows(VocationalProfile, profiles)
        insert_rows(through, interests)
        reset_sequences(VocationalProfile, through)
        world.counts["profiles"] = len(profiles)
