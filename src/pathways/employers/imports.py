"""The ``opportunities`` import kind, where ``core.importing.KIND_MODULES`` still looks
for it. It lives in ``opportunities.imports``; this module goes once ``core`` names that
module instead."""

from pathways.employers.opportunities.imports import KINDS

__all__ = ["KINDS"]
