"""Errors a service raises, each carrying a message a user can act on."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError


class ActionRefused(Exception):
    """A business rule refuses the action (HTTP 409 in the API)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IllegalTransition(ActionRefused):
    """The record is not in a state that allows this action."""


class CaseloadCapReached(ActionRefused):
    """The worker is at their team's caseload cap and no override was given.

    ``facts`` is the situation alone, for pages that add their own instruction."""

    def __init__(self, message: str, facts: str = "") -> None:
        super().__init__(message)
        self.facts = facts or message


class ConcurrentEdit(ActionRefused):
    """Someone else changed the record since it was read."""


class RefusedWithLink(ValidationError):
    """A value refused on its field because it clashes with a record the user may see
    (a client reference in use): ``link`` opens that record. Pages add the link to the
    error summary; elsewhere it is an ordinary ``ValidationError``."""

    def __init__(self, field: str, message: str, *, link: str, link_text: str) -> None:
        super().__init__({field: message})
        self.link = link
        self.link_text = link_text


class NeedsConfirmation(ActionRefused):
    """Values that are possible but unusual (or a record that may already exist): the
    service did nothing, and asks the user to confirm first (``core.unusual``).

    ``unusual`` lists what to check; ``key`` is what a confirmation of exactly these
    warnings carries, so that changing the values asks again. A caller that cannot ask
    sees an ordinary refusal (409 in the API), with the warnings as its message."""

    def __init__(self, unusual: list[Any], key: str) -> None:
        super().__init__(" ".join(u.message for u in unusual))
        self.unusual = unusual
        self.key = key


__all__ = [
    "ActionRefused",
    "CaseloadCapReached",
    "ConcurrentEdit",
    "IllegalTransition",
    "NeedsConfirmation",
    "PermissionDenied",
    "RefusedWithLink",
]
