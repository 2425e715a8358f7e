"""Import kinds of commissioning (docs/imports.md)."""

from __future__ import annotations

from pathways.commissioning.targets import TARGETS

KINDS = (TARGETS,)
