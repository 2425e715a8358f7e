"""The staff page of one piece of feedback from a person: what they said, and
"Mark as answered" once someone has replied (``casework.feedback``).

The work queue's ``feedback`` items link here. The feedback is fetched through
``feedback_policy`` (404, audited, for anyone who may not see it) and every look is on
the person's audit trail.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from pathways.casework import feedback as feedback_services
from pathways.casework.policy import feedback_policy
from pathways.casework.prompts import prompt_label
from pathways.casework.queue import FEEDBACK_REPLY_DAYS
from pathways.casework.selectors import feedback_rows
from pathways.core import audit
from pathways.core.pages import act
from pathways.core.types import AuthedRequest


@login_required
def feedback_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET shows the feedback; POST marks it answered (the only thing to do here)."""
    found = feedback_policy.fetch_or_refuse(
        request.user,
        pk,
        rows=feedback_rows(),
        channel="web",
        what=lambda f: f"feedback {f.pk}",
        request=request,
    )
    if request.method == "POST":
        act(
            request,
            lambda: feedback_services.mark_feedback_answered(request.user, found),
            done="Marked as answered. It has left the work queue.",
        )
        return redirect("casework:feedback", pk=found.pk)
    audit.record_access(
        request.user, found.person, channel="web", what=f"feedback {found.pk}", request=request
    )
    return render(
        request,
        "casework/feedback.html",
        {
            "feedback": found,
            "person": found.person,
            "prompt": prompt_label(found.prompted_by),
            "may_answer": feedback_policy.can(request.user, "answer", found),
            "reply_days": FEEDBACK_REPLY_DAYS,
        },
    )
