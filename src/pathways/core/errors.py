"""Errors a service raises, each carrying a message a user can act on."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


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


__all__ = [
    "ActionRefused",
    "CaseloadCapReached",
    "ConcurrentEdit",
    "IllegalTransition",
    "PermissionDenied",
]
