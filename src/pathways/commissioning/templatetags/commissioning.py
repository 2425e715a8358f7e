"""The directory's codes as people read them."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from pathways.commissioning.models import Service
from pathways.people.models import SupportReason

register = template.Library()

_LABELS = {
    "service": dict(Service.choices),
    "need_group": dict(SupportReason.choices),
}


@register.filter
def labels(codes: Iterable[str], of: str) -> str:
    """``["ips", "job_retention"]|labels:"service"`` → "Individual Placement and …, Job
    retention"."""
    names = _LABELS[of]
    return ", ".join(str(names.get(code, code)) for code in codes)
