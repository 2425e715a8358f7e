"""The commissioning app's import kinds (read by ``core.importing.kinds``)."""

from pathways.commissioning.purchase_imports import PURCHASES

KINDS = (PURCHASES,)
