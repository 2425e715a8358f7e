"""The person's plan ("My plan"): what they want to do, the next steps, who helps, and
what they did last with their coach. Only notes the coach shared are shown
(``casework.selectors.person_plan`` gives no other note)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pathways.casework.models import ActivityKind, Goal
from pathways.casework.selectors import person_plan
from pathways.portal.access import portal_page
from pathways.portal.pages import page

page("plan", "My plan", "What you want to do", "portal:plan", "plan")

#: What each kind of activity was, in the person's words, with its picture.
DONE: dict[str, tuple[str, str]] = {
    ActivityKind.MEETING: ("You met your coach.", "people"),
    ActivityKind.PHONE: ("You talked on the phone.", "phone"),
    ActivityKind.VIDEO: ("You had a video call.", "phone"),
    ActivityKind.HOME_VISIT: ("Your coach came to your home.", "home"),
    ActivityKind.JOB_SEARCH: ("You looked for jobs.", "jobs"),
    ActivityKind.APPLICATION_SUPPORT: ("You got help to ask for a job.", "jobs"),
    ActivityKind.INTERVIEW_PREPARATION: ("You got ready to meet an employer.", "job"),
    ActivityKind.TRAVEL_TRAINING: ("You practised how to travel.", "travel"),
    ActivityKind.BENEFITS_ADVICE: ("You got help with money.", "money"),
    ActivityKind.EMPLOYER_CONTACT: ("You talked to an employer.", "job"),
    ActivityKind.IN_WORK_COACHING: ("You got help at work.", "job"),
    ActivityKind.REVIEW: ("You talked about how it is going.", "feedback"),
    ActivityKind.OTHER: ("You did something with your coach.", "people"),
}

#: How far along each goal is, in the person's words, with its picture.
PROGRESS: dict[str, tuple[str, str]] = {
    Goal.Status.NOT_STARTED: ("You have not started this yet.", "later"),
    Goal.Status.IN_PROGRESS: ("You are working on this now.", "clock"),
    Goal.Status.ACHIEVED: ("You did it. Well done!", "star"),
}

#: The picture beside who helps.
HELPER_ICON: dict[str, str] = {
    Goal.Owner.PERSON: "person",
    Goal.Owner.WORKER: "person",
    Goal.Owner.EMPLOYER: "job",
}


@portal_page("plan")
def my_plan(request: HttpRequest) -> HttpResponse:
    plan = person_plan(request.portal.person)  # type: ignore[attr-defined]
    goals = []
    recent = []
    if plan is not None:
        goals = [
            {
                "goal": goal,
                "progress": PROGRESS.get(goal.status, PROGRESS[Goal.Status.IN_PROGRESS]),
                "helper_icon": HELPER_ICON.get(goal.helper_kind, "people"),
            }
            for goal in plan.goals
        ]
        recent = [
            {"activity": a, "done": DONE.get(a.kind, DONE[ActivityKind.OTHER])} for a in plan.recent
        ]
    return render(
        request, "portal/plan/plan.html", {"plan": plan, "goals": goals, "recent": recent}
    )
