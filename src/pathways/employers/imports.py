"""The employers app's import kinds, for ``core.importing.kinds()``, which reads each
app's ``imports`` module: the ``opportunities`` kind lives with its sub-domain."""

from pathways.employers.opportunities.imports import KINDS

__all__ = ["KINDS"]
