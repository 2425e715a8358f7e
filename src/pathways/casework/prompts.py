"""The milestones that prompt a person to say how it is going ("How is it going?").

Casework cannot see jobs (employment sits above it), so later steps of the pathway
register what prompts feedback here when Django starts, the way work queue kinds
register (``casework.queue``): ``employment.prompts`` registers a job's start and its
13, 26 and 52 weeks in work. A prompt is asked about once: feedback given with its
key clears it (``selectors.feedback_prompts``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pathways.people.models import Person

#: How long after a milestone the portal's home keeps asking about it.
PROMPT_DAYS = 28


@dataclass(frozen=True)
class Prompt:
    #: What feedback given for it keeps in ``Feedback.prompted_by``: ``kind:ref``.
    key: str
    #: The question on the person's portal home, in easy-read words.
    asks: str
    reached_on: dt.date

    @property
    def label(self) -> str:
        return prompt_label(self.key)


PromptSource = Callable[[Person, dt.date], Iterable[Prompt]]
_SOURCES: list[PromptSource] = []
_LABELS: dict[str, str] = {}


def prompt_kind(name: str, label: str) -> str:
    """Register a kind of prompt with its name in staff words ("13 weeks in work");
    the key of a prompt of this kind is ``name:ref``."""
    _LABELS[name] = label
    return name


def prompt_source(source: PromptSource) -> PromptSource:
    """Register a function giving a person's milestones reached by a date."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def prompt_label(key: str) -> str:
    """What prompted feedback, for staff: "Any time" when nothing did."""
    if not key:
        return "Any time"
    return _LABELS.get(key.split(":", 1)[0], key)


def known_prompt(key: str) -> bool:
    return key.split(":", 1)[0] in _LABELS


def milestones_reached(person: Person, on: dt.date) -> list[Prompt]:
    """Every registered milestone reached in the last ``PROMPT_DAYS`` days, newest first."""
    found = [p for source in _SOURCES for p in source(person, on)]
    recent = [p for p in found if 0 <= (on - p.reached_on).days <= PROMPT_DAYS]
    return sorted(recent, key=lambda p: (p.reached_on, p.key), reverse=True)
