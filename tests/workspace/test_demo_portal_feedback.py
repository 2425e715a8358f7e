"""The demo borough's user voice: figures in every quarter of the last year, and a
little feedback waiting for a reply (decision 0048)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from pathways.casework.models import Feedback
from pathways.core.models import Authority
from pathways.reporting import user_voice
from pathways.workspace.demo import AUTHORITY_CODE

pytestmark = pytest.mark.django_db


def test_a_year_of_feedback_with_some_waiting_for_a_reply():
    call_command("demo", verbosity=0)
    today = dt.date.today()
    start = today - dt.timedelta(days=364)
    data = user_voice.summary([Authority.objects.get(code=AUTHORITY_CODE)], start, today)
    assert data["given"] >= 40
    assert 0 < data["not_happy"] < data["happy"]
    quarters = {
        q for t in data["by_team"].values() for q, c in t["by_quarter"].items() if c["given"]
    }
    assert len(quarters) >= 4
    waiting = Feedback.objects.filter(needs_reply=True, replied_at__isnull=True)
    assert 0 < waiting.count() < Feedback.objects.filter(needs_reply=True).count()
