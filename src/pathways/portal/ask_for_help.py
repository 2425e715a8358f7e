"""The public "Ask for help to find work" pages: no account needed (CSRF still on).
Pick the council when there is more than one, fill in one form, and read what happens
next. The front door (``referrals.help_requests``) checks the answers and keeps the
guard against programs; a request it drops gets the same "what happens next" page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from pathways.core.forms import add_service_errors
from pathways.core.models import Authority
from pathways.portal.forms import AskForHelpForm
from pathways.referrals.help_requests import (
    STARTED,
    TooManyRequests,
    form_started_token,
    receive_help_request,
)


def choose_council(request: HttpRequest) -> HttpResponse:
    councils = list(Authority.objects.filter(teams__isnull=False).distinct().order_by("name"))
    if len(councils) == 1:
        return redirect("ask:form", councils[0].code)
    return render(request, "portal/ask_for_help/choose.html", {"councils": councils})


def ask(request: HttpRequest, code: str) -> HttpResponse:
    council = get_object_or_404(Authority, code=code)
    if request.method != "POST":
        form = AskForHelpForm(initial={STARTED: form_started_token()})
        return render(request, "portal/ask_for_help/form.html", {"form": form, "council": council})
    form = AskForHelpForm(request.POST)
    if form.is_valid():
        try:
            receive_help_request(
                council, form.cleaned_data, remote_addr=request.META.get("REMOTE_ADDR")
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except TooManyRequests as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("ask:sent", council.code)
    return render(
        request,
        "portal/ask_for_help/form.html",
        {"form": form, "council": council},
        status=400,
    )


def sent(request: HttpRequest, code: str) -> HttpResponse:
    council = get_object_or_404(Authority, code=code)
    return render(request, "portal/ask_for_help/sent.html", {"council": council})
