"""Raising the version of an authority's matching columns whenever something they hold
is written through the ORM, whoever writes it (a page, the API, an import, the admin, a
merge of interests): receivers of Django's model signals, connected when the app
starts (``MatchingConfig.ready``).

What the columns hold (``selectors.load_people``): the person's name, reference and
location; their vocational profile (hours, reach, kinds, paid only, better-off date) and
its interests; the stage of their open episode, and whether they have one. A save that
names its ``update_fields`` and touches none of those raises nothing (recording an
activity moves the episode's last contact, which matching does not read).

Each receiver names the people changed (``services.people_changed``), so that a process
with the authority's columns cached reloads just theirs. Writes that send no signal
(``QuerySet.update``, ``bulk_create``, raw SQL, the synthetic generator) must call
``matching.services.columns_changed`` (or ``people_changed``) themselves; until they do,
the cache's age limit (``PATHWAYS_MATCHING_CACHE_SECONDS``) bounds how stale a ranking
can be, and the hard rules, always asked of the database, keep anyone they exclude out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from pathways.casework.models import Episode, VocationalProfile
from pathways.matching import services
from pathways.people.models import Person

PERSON_FIELDS = frozenset(
    {
        "authority",
        "authority_id",
        "person_ref",
        "given_name",
        "preferred_name",
        "latitude",
        "longitude",
    }
)
EPISODE_FIELDS = frozenset(
    {"authority", "authority_id", "person", "person_id", "stage", "started_on", "ended_on"}
)


def _touches(update_fields: Iterable[str] | None, fields: frozenset[str]) -> bool:
    return update_fields is None or bool(fields.intersection(update_fields))


def person_saved(sender: Any, instance: Person, created: bool, **kwargs: Any) -> None:
    # A new person has no profile or episode yet: those raise it when they come. A
    # person moved to another authority is reloaded there; the old authority's columns
    # may keep them, but the hard rules, asked of the database, no longer let them by.
    if not created and _touches(kwargs.get("update_fields"), PERSON_FIELDS):
        services.people_changed([(instance.authority_id, instance.pk)])


def person_deleted(sender: Any, instance: Person, **kwargs: Any) -> None:
    services.people_changed([(instance.authority_id, instance.pk)])


def profile_written(sender: Any, instance: VocationalProfile, **kwargs: Any) -> None:
    services.columns_changed_for_people([instance.person_id])


def episode_saved(sender: Any, instance: Episode, created: bool, **kwargs: Any) -> None:
    if created or _touches(kwargs.get("update_fields"), EPISODE_FIELDS):
        services.columns_changed_for_people([instance.person_id])


def episode_deleted(sender: Any, instance: Episode, **kwargs: Any) -> None:
    # With its person (a cascade) the person's own receiver says so.
    services.columns_changed_for_people([instance.person_id])


def interests_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # profile.interests.add(...): one profile
        services.columns_changed_for_people([instance.person_id])
    elif pk_set:  # tag.profiles.add(...): these profiles
        services.columns_changed_for_profiles(sorted(pk_set))
    elif action == "post_clear":  # tag.profiles.clear(): whose is not known now
        services.all_columns_changed()


def connect() -> None:
    uid = "matching-columns-"
    post_save.connect(person_saved, sender=Person, dispatch_uid=uid + "person-saved")
    post_delete.connect(person_deleted, sender=Person, dispatch_uid=uid + "person-deleted")
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            profile_written, sender=VocationalProfile, dispatch_uid=uid + "profile-" + name
        )
    post_save.connect(episode_saved, sender=Episode, dispatch_uid=uid + "episode-saved")
    post_delete.connect(episode_deleted, sender=Episode, dispatch_uid=uid + "episode-deleted")
    m2m_changed.connect(
        interests_changed,
        sender=VocationalProfile.interests.through,
        dispatch_uid=uid + "interests",
    )
