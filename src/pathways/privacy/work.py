"""What waits for a data protection officer: the counts on their home page (subject
access requests due, records due for erasure, erasures to decide, emergency opens to
review), each the same rule as the page it links to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pathways.people.selectors import break_glass_to_review
from pathways.privacy.erasure import requests_for
from pathways.privacy.models import ErasureStatus
from pathways.privacy.policy import ERASURE, SUBJECT_ACCESS
from pathways.privacy.retention import due_for_user
from pathways.privacy.selectors import open_requests


@dataclass(frozen=True)
class DataProtectionWork:
    handles_subject_access: bool
    handles_erasure: bool
    subject_access_open: int = 0
    subject_access_overdue: int = 0
    due_for_erasure: int = 0
    erasure_to_approve: int = 0
    erasure_to_carry_out: int = 0
    break_glass_to_review: int = 0


def data_protection_work(user: Any, today: dt.date) -> DataProtectionWork:
    """The counts, in a fixed number of queries whatever the numbers."""
    sar = SUBJECT_ACCESS.opens(user)
    erasure = ERASURE.opens(user)
    counts: dict[str, int] = {}
    if sar:
        requests = open_requests(user)
        counts["subject_access_open"] = requests.count()
        counts["subject_access_overdue"] = requests.filter(due_on__lt=today).count()
    if erasure:
        erasures = requests_for(user)
        counts["due_for_erasure"] = len(due_for_user(user, today))
        counts["erasure_to_approve"] = erasures.filter(status=ErasureStatus.PROPOSED).count()
        counts["erasure_to_carry_out"] = erasures.filter(status=ErasureStatus.APPROVED).count()
        counts["break_glass_to_review"] = break_glass_to_review(user).count()
    return DataProtectionWork(handles_subject_access=sar, handles_erasure=erasure, **counts)
