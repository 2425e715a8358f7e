"""Messages: the person (or a supporter the person agreed to) writes to their coach and
reads the answers. The conversation is on their current support, or their last one
once it has ended (they can still read it, and are pointed to "I want help again")."""

from __future__ import annotations

from django.contrib import messages as banners
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from pathways.casework import conversation
from pathways.casework.selectors import current_or_latest_episode, messages_of
from pathways.core.errors import ActionRefused
from pathways.portal.access import portal_page
from pathways.portal.forms import MessageForm
from pathways.portal.pages import page

page("messages", "Messages", "Write to your coach", "portal:messages", "message")

#: What the person reads when the service refuses, in their own words.
ENDED = "Your support has ended. You cannot send a message now."
TOO_LONG = "Your message is too long. Make it shorter."
EMPTY = "Type your message."


def _help_again_url() -> str:
    """The "I want help again" page, or the public "ask for help" form without it."""
    for name in ("portal:help-again", "portal:help_again"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/ask-for-help/"


@portal_page("messages")
def conversation_page(request: HttpRequest) -> HttpResponse:
    account = request.portal  # type: ignore[attr-defined]
    episode = current_or_latest_episode(account.person)
    form = MessageForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if episode is None or not episode.is_open:
            form.add_error(None, ENDED)
        elif form.is_valid():
            try:
                conversation.send_message_from_person(
                    episode, by=account.user, text=form.cleaned_data["text"]
                )
            except ValidationError:
                form.add_error("text", TOO_LONG if form.cleaned_data["text"] else EMPTY)
            except ActionRefused:
                form.add_error(None, ENDED)
            else:
                banners.success(request, "Your message is sent. Your coach will write back.")
                return redirect(reverse("portal:messages") + "#conversation")
    thread = messages_of(episode) if episode is not None else []
    # Shown as new on this visit: opening the page is reading them.
    new = [m.pk for m in thread if not m.from_person and m.read_at is None]
    if new and episode is not None:
        conversation.mark_read(episode, by=account.user, as_person=True)
    return render(
        request,
        "portal/messages/conversation.html",
        {
            "episode": episode,
            "thread": thread,
            "new": new,
            "coach": episode.worker if episode is not None else None,
            "form": form,
            "help_again_url": _help_again_url(),
        },
        status=status,
    )
