"""The conversation between the person and the staff who support them: every write.

The person (or a supporter writing for them) writes from the portal, which has already
checked who may act for whom; staff answer from the episode page, under the episode
policy's "work" rule (who may record activities may reply). Both are refused on a
closed episode: the person is pointed to asking for help again. A message is stored
on its episode, so it is on the timeline and on the person's record (audited, erased
and produced for subject access with the rest of it).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pathways.casework import notices
from pathways.casework.models import Episode, Message
from pathways.casework.services import _lock_open, _require
from pathways.core import policies
from pathways.core.errors import IllegalTransition
from pathways.core.models import User

REPLY_REFUSAL = "Only the person's worker or their team can reply to the person."
SUPPORT_ENDED = (
    "Your support has ended, so you cannot send a message here. You can ask for help again."
)


def _text(text: str) -> str:
    """The message, trimmed; refused on its field when empty or too long."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write your message"})
    if len(text) > Message.MAX_LENGTH:
        raise ValidationError(
            {
                "text": f"The message is {len(text)} characters long: make it "
                f"{Message.MAX_LENGTH} characters or fewer"
            }
        )
    return text


def _lock(episode: Episode, refusal: str) -> Episode:
    try:
        return _lock_open(episode)
    except IllegalTransition:
        raise IllegalTransition(refusal) from None


@transaction.atomic
def send_message_from_person(episode: Episode, *, by: User, text: str) -> Message:
    """The person (or their supporter, ``by``) writes to their coach. The portal checks
    that ``by`` may write for this person; here the episode must still be open. The
    worker (or, with none, the team) is told."""
    text = _text(text)
    episode = _lock(episode, SUPPORT_ENDED)
    message = Message.objects.create(episode=episode, author=by, from_person=True, text=text)
    notices.message_from_person(message)
    return message


@transaction.atomic
def reply_to_person(episode: Episode, *, by: User, text: str) -> Message:
    """A member of staff answers: whoever may record activities on the episode.
    Replying answers every message from the person before it (the work queue's
    "Message from the person" clears)."""
    _require(by, "work", episode, REPLY_REFUSAL)
    text = _text(text)
    episode = _lock(
        episode,
        "This episode is closed, so no reply can be sent from it. If the person wants "
        "support again, refer them: their new episode will link to this one.",
    )
    return Message.objects.create(episode=episode, author=by, from_person=False, text=text)


def reads_for_staff(user: User, episode: Episode) -> bool:
    """Whether opening the episode counts as staff having read the person's messages:
    its worker, or staff of its team (not someone who only sees the record, such as a
    data protection officer or a break-glass reader)."""
    scope = policies.scope_of(user)
    return episode.worker_id == user.pk or episode.team_id in scope.casework_team_ids


def mark_read(episode: Episode, *, by: User, as_person: bool = False) -> int:
    """Mark the other side's unread messages on ``episode`` as read by ``by``: the
    person's (``as_person``: the portal, which has checked who ``by`` is) or, for staff,
    the person's messages when ``reads_for_staff``. How many were marked (one query)."""
    if not as_person and not reads_for_staff(by, episode):
        return 0
    return Message.objects.filter(
        episode=episode, from_person=not as_person, read_at__isnull=True
    ).update(read_at=timezone.now(), read_by=by)
