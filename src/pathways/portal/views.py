"""The portal's own pages: signing in by link, the home page, signing out. Each
section's pages live in a module named for it and register with ``portal.pages``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from pathways.portal import services
from pathways.portal.access import current_account, portal_page
from pathways.portal.forms import NewLinkForm
from pathways.portal.pages import offered, prompts_for


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or settings.PATHWAYS_PORTAL_HOME
    if not target.startswith(settings.PATHWAYS_PORTAL_HOME) or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return settings.PATHWAYS_PORTAL_HOME
    return target


def sign_in(request: HttpRequest) -> HttpResponse:
    """The link from the email opens a page with one button: mail scanners that follow
    links must not use up the one-time link, so only the press of the button signs in."""
    if request.method == "POST" and request.POST.get("link"):
        # Through authenticate(), so django-axes counts failed links like failed passwords.
        user = authenticate(request, sesame=request.POST["link"], scope=services.SCOPE)
        if user is not None and getattr(user, "is_person", False):
            login(request, user)  # sets last_login, which ends the link (one time)
            if current_account(request) is not None:
                request.session.set_expiry(settings.PATHWAYS_PORTAL_SESSION_DAYS * 24 * 60 * 60)
                return redirect(_next(request))
            logout(request)
        return render(
            request, "portal/sign_in.html", {"form": NewLinkForm(), "link_failed": True}, status=400
        )
    link = request.GET.get(settings.SESAME_TOKEN_NAME, "")
    if current_account(request) is not None and not link:
        return redirect(settings.PATHWAYS_PORTAL_HOME)
    return render(
        request,
        "portal/sign_in.html",
        {"form": NewLinkForm(), "link": link, "next": _next(request)},
    )


def new_link(request: HttpRequest) -> HttpResponse:
    """Ask for a new link. The answer is the same whether or not we know the address."""
    form = NewLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.ask_for_new_link(
            form.cleaned_data["email"],
            remote_addr=request.META.get("REMOTE_ADDR", ""),
            base_url=settings.PATHWAYS_BASE_URL,
        )
        return render(request, "portal/link_sent.html")
    return render(
        request,
        "portal/sign_in.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return render(request, "portal/signed_out.html")


@portal_page(None)
def home(request: HttpRequest) -> HttpResponse:
    account = request.portal  # type: ignore[attr-defined]
    return render(
        request,
        "portal/home.html",
        {"pages": offered(account), "prompts": prompts_for(account)},
    )
