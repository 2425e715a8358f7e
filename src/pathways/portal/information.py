"""My information: who has looked at the person's record, everything held about them
(to read, and as a file), and who to tell when something is wrong (decision 0049).

The words come from ``privacy.who_looked`` and ``privacy.my_information``; the pages
only lay them out. A supporter sees this section only if the person said so; they may
then download, as the person could, and the worker is told either way.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from pathways.core.pages import paged
from pathways.portal.access import portal_page
from pathways.portal.models import PortalAccount, Section
from pathways.portal.pages import page
from pathways.privacy.my_information import FILE, DownloadLimitReached, my_information
from pathways.privacy.notices import workers_of
from pathways.privacy.who_looked import PER_PAGE, who_looked

page(
    Section.INFORMATION,
    "My information",
    "Who looked at it. Get a copy.",
    "portal:information",
    "information",
)


def _messages_url(account: PortalAccount) -> str | None:
    """Where to write to the coach, when that page is there and open to this account."""
    if not account.may_see(Section.MESSAGES):
        return None
    try:
        return reverse("portal:messages")
    except NoReverseMatch:
        return None


def _page(request: HttpRequest, *, refused: DownloadLimitReached | None = None) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    person = account.person
    looks = who_looked(person)
    today = timezone.localdate()
    shown = paged(request, looks, PER_PAGE)
    again = timezone.localtime(refused.again) if refused is not None else None
    return render(
        request,
        "portal/information/index.html",
        {
            "lines": [(look, look.when(today)) for look in shown.page.object_list],
            "paged": shown,
            "workers": workers_of(person),
            "messages_url": _messages_url(account),
            "contact": settings.PATHWAYS_DATA_PROTECTION_CONTACT,
            "refused": refused,
            "again": again,
        },
        status=400 if refused is not None else 200,  # as a form sent back with its errors
    )


@portal_page(Section.INFORMATION)
def information(request: HttpRequest) -> HttpResponse:
    return _page(request)


@portal_page(Section.INFORMATION)
def everything(request: HttpRequest) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    held = my_information(account.person, by=request.user, request=request)  # type: ignore[arg-type]
    return render(request, "portal/information/everything.html", {"held": held})


@portal_page(Section.INFORMATION)
def download(request: HttpRequest) -> HttpResponse:
    """The file, for a press of the button (a POST: each one counts)."""
    if request.method != "POST":
        return redirect("portal:information")
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    try:
        held = my_information(account.person, by=request.user, form=FILE, request=request)  # type: ignore[arg-type]
    except DownloadLimitReached as refused:
        return _page(request, refused=refused)
    response = HttpResponse(held.file(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{held.file_name}"'
    return response
