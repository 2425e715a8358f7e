"""What importing one row does, as planned before anything is written: the planning
helpers build it and a kind's ``plan`` returns it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Action = Literal["create", "update", "unchanged"]


@dataclass
class Change:
    """What importing one row does: its action, the columns it changes, and the write."""

    action: Action
    changed: tuple[str, ...] = ()
    write: Callable[[], Any] | None = None
