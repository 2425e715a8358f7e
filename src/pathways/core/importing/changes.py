"""What importing one row does, as planned before anything is written: the planning
helpers build it and a kind's ``plan`` returns it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from django.db.models import Model

Action = Literal["create", "update", "unchanged"]


@dataclass
class Change:
    """What importing one row does: its action, the columns it changes, and the write.

    ``new`` is the unsaved record of a plain create (nothing else to do after its
    save): the runner inserts a batch of them in one statement instead of calling
    ``write`` for each."""

    action: Action
    changed: tuple[str, ...] = ()
    write: Callable[[], Any] | None = None
    new: Model | None = None
