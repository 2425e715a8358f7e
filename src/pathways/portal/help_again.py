"""I want help again: a person whose support ended asks to come back, in one step. The
front door makes it a self-referral to their last team
(``referrals.services.ask_to_come_back``); the page says what happens next. While
support is open it says they already have a coach; after they asked, that the team
will contact them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pathways.core.errors import ActionRefused
from pathways.portal.access import portal_page
from pathways.portal.forms import HelpAgainForm
from pathways.portal.models import Section
from pathways.portal.pages import page
from pathways.referrals.selectors import support_now
from pathways.referrals.services import ask_to_come_back

page(
    Section.HELP_AGAIN,
    "I want help again",
    "Ask to come back for support",
    "portal:help-again",
    "help_again",
)


@portal_page(Section.HELP_AGAIN)
def help_again(request: HttpRequest) -> HttpResponse:
    person = request.portal.person  # type: ignore[attr-defined]
    form = HelpAgainForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            ask_to_come_back(person, by=request.user, words=form.cleaned_data["words"])  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error("words", exc.message_dict.get("words", exc.messages))
            status = 400
        except ActionRefused:
            status = 409  # the page shows where they stand now
        else:
            return redirect("portal:help-again-sent")
    return render(
        request,
        "portal/help_again/ask.html",
        {"form": form, "now": support_now(person)},
        status=status,
    )


@portal_page(Section.HELP_AGAIN)
def sent(request: HttpRequest) -> HttpResponse:
    now = support_now(request.portal.person)  # type: ignore[attr-defined]
    return render(request, "portal/help_again/sent.html", {"now": now})
