""" "How is it going?": the person (or a supporter with this section) says how their
support is going with one of three pictures and, if they want, some words; a thank-you
page says who reads it and when they reply. After a milestone (a job start, weeks in
work) the home page asks first (``casework.prompts``; decision 0048)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from pathways.casework.feedback import give_feedback
from pathways.casework.models import Feedback
from pathways.casework.queue import FEEDBACK_REPLY_DAYS
from pathways.casework.selectors import feedback_prompts
from pathways.core.errors import ActionRefused
from pathways.portal.access import portal_page
from pathways.portal.forms import FeedbackForm
from pathways.portal.models import PortalAccount, Section
from pathways.portal.pages import Prompt, page, prompts

page(
    Section.FEEDBACK,
    "How is it going?",
    "Tell us how your support is going",
    "portal:feedback",
    "feedback",
)

#: The pictures, in the order shown, with their icons.
FEELINGS = [
    ("happy", "Happy", "happy"),
    ("okay", "Okay", "okay"),
    ("not_happy", "Not happy", "unhappy"),
]


@prompts
def milestones(account: PortalAccount) -> list[Prompt]:
    """Ask after each milestone not yet asked about, when the account has this section."""
    if not account.may_see(Section.FEEDBACK):
        return []
    url = reverse("portal:feedback")
    return [
        Prompt(p.asks, f"{url}?about={p.key}", "feedback") for p in feedback_prompts(account.person)
    ]


@portal_page(Section.FEEDBACK)
def how_is_it_going(request: HttpRequest) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    person = account.person
    due = {p.key: p for p in feedback_prompts(person)}
    form = FeedbackForm(
        request.POST if request.method == "POST" else None,
        initial={"about": request.GET.get("about", "")},
    )
    if request.method == "POST" and form.is_valid():
        asked = due.get(form.cleaned_data["about"])
        try:
            given = give_feedback(
                person,
                by=account.user,
                feeling=form.cleaned_data["feeling"],
                words=form.cleaned_data["words"],
                prompted_by=asked.key if asked else "",
            )
        except ActionRefused:
            form.add_error(None, "You can tell us how it is going when your support starts.")
        except ValidationError:
            form.add_error("feeling", "Choose a picture: happy, okay or not happy")
        else:
            return redirect("portal:feedback-thanks", pk=given.pk)
    asked = due.get(str(form["about"].value() or ""))
    last = Feedback.objects.filter(person=person).order_by("-given_at", "-id").first()
    return render(
        request,
        "portal/feedback/form.html",
        {
            "form": form,
            "question": asked.asks if asked else "How is it going?",
            "feelings": FEELINGS,
            "chosen": form["feeling"].value(),
            "last": last,
            "last_feeling": dict((v, t) for v, t, _ in FEELINGS).get(last.feeling) if last else "",
        },
        status=400 if form.errors else 200,
    )


@portal_page(Section.FEEDBACK)
def thanks(request: HttpRequest, pk: int) -> HttpResponse:
    """Who reads it and, when it needs one, when they reply: the person's coach by first
    name, or their team when no one coach has their support."""
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    given = get_object_or_404(
        Feedback.objects.select_related("episode__worker"), pk=pk, person=account.person
    )
    worker = given.episode.worker
    return render(
        request,
        "portal/feedback/thanks.html",
        {
            "given": given,
            "coach": worker.first_name if worker is not None else "",
            "reply_days": FEEDBACK_REPLY_DAYS,
        },
    )
