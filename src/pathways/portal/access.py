"""The one door into every portal page: who is signed in, whose portal it is, what they
may see there, and the audit entry for the look.

A portal view is decorated with ``@portal_page(section)``. The decorator finds the
signed-in account (anyone else is sent to sign in; a staff account is refused: staff and
person accounts never mix), refuses a supporter the sections the person did not agree
to (or any section once the person withdrew their consent), records the read on the
person's audit trail on the ``portal`` channel, and hands the view ``request.portal``.
Rows named in a portal URL (an appointment, a job) must be fetched within
``request.portal.person``'s own rows, so another person's row is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pathways.core.audit import DENIED, record_access
from pathways.portal.models import PortalAccount, Section
from pathways.portal.policy import consent_stands

CHANNEL = "portal"
View = Callable[..., HttpResponse]


def current_account(request: HttpRequest) -> PortalAccount | None:
    """The signed-in person account's portal account, if it is still open."""
    if hasattr(request, "_portal_account"):
        return request._portal_account  # type: ignore[no-any-return]
    user = request.user
    account = None
    if user.is_authenticated and getattr(user, "is_person", False):
        account = (
            PortalAccount.objects.select_related("person__authority", "supporter", "consent")
            .filter(user=user, ended_at__isnull=True)
            .first()
        )
        if account is not None and not consent_stands(account):
            account = None
    request._portal_account = account  # type: ignore[attr-defined]
    return account


def refuse(request: HttpRequest, message: str, *, status: int = 403) -> HttpResponse:
    return render(request, "portal/refused.html", {"message": message}, status=status)


def portal_page(section: str | None) -> Callable[[View], View]:
    """Wrap a portal view for ``section`` (None: the home page, every account)."""
    label = dict(Section.choices).get(section or "", "home page")

    def wrap(view: View) -> View:
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if user.is_authenticated and not getattr(user, "is_person", False):
                return refuse(
                    request,
                    "These pages are for the people we support. Staff use My work.",
                )
            account = current_account(request)
            if account is None:
                return redirect(f"{reverse('portal:sign-in')}?next={request.path}")
            what = f"portal: {label}"
            request.portal = account  # type: ignore[attr-defined]
            if section and not account.may_see(section):
                record_access(
                    user,
                    account.person,
                    channel=CHANNEL,
                    outcome=DENIED,
                    what=what,
                    request=request,
                )
                return refuse(
                    request,
                    f"{account.person.given_name} has not said you can see this page.",
                )
            record_access(user, account.person, channel=CHANNEL, what=what, request=request)
            return view(request, *args, **kwargs)

        return inner

    return wrap


def session_days() -> int:
    return settings.PATHWAYS_PORTAL_SESSION_DAYS
