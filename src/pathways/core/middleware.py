"""Request plumbing: API bearer tokens, idle sign-out, and no caching of personal data."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from pathways.core.models import ApiToken, hash_token
from pathways.core.policies import request_memo

API_PREFIX = "/api/"
#: How stale a token's "last used" time may be before a call writes it again.
LAST_USED_STEP = dt.timedelta(minutes=1)


class BearerTokenMiddleware:
    """Signs an API request in as the owner of its bearer token.

    A token is not an ambient credential (a browser never sends it by itself), so
    token-authenticated requests are exempt from CSRF checks; session-cookie requests
    to the API are not treated as authenticated by the API at all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.auth_via_token = False  # type: ignore[attr-defined]
        if request.path.startswith(API_PREFIX):
            header = request.headers.get("Authorization", "")
            scheme, _, raw = header.partition(" ")
            if scheme.lower() == "bearer" and raw.strip():
                token = (
                    ApiToken.objects.select_related("user")
                    .filter(
                        key_hash=hash_token(raw.strip()),
                        revoked_at__isnull=True,
                        expires_at__gt=timezone.now(),
                    )
                    .first()
                )
                if token and token.user.is_active:
                    request.user = token.user
                    request.auth_via_token = True  # type: ignore[attr-defined]
                    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
                    now = timezone.now()
                    # "Last used" is shown to the minute: writing it on every call
                    # would make each read a commit.
                    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_STEP:
                        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Signs a staff member out after a period without activity (a shared-office risk).

    The time of the last request is kept in the session to the minute: writing it on
    every request would turn each page view into a session write (a transaction and a
    commit on the database), the largest cost of a page under load. A staff member may
    therefore be signed out up to a minute before the full idle period."""

    SESSION_KEY = "pathways_last_seen"
    #: Seconds between two writes of the last-seen time.
    RESOLUTION = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not getattr(request, "auth_via_token", False)
            and not getattr(user, "is_person", False)  # a person's own phone: stays signed in
        ):
            now = int(time.time())
            last_seen = request.session.get(self.SESSION_KEY, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, "You were signed out because you were inactive.")
                return redirect(f"{reverse('login')}?next={request.path}")
            if now - last_seen >= self.RESOLUTION or self.SESSION_KEY not in request.session:
                request.session[self.SESSION_KEY] = now
        return self.get_response(request)


def note_sign_in_time(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Signing in counts as activity: with the time in the session from the start, the
    first pages after signing in do not each write it (``user_logged_in`` receiver)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[IdleTimeoutMiddleware.SESSION_KEY] = int(time.time())


class PolicyMemoMiddleware:
    """Policies remember what they work out for the length of one request
    (``core.policies.request_memo``), never longer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_memo():
            return self.get_response(request)


class NoStoreMiddleware:
    """Pages and API answers for signed-in users hold personal data: never cache them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated or request.path.startswith(API_PREFIX):
            add_never_cache_headers(response)
        return response


class RequireTwoFactorMiddleware:
    """Staff who signed in with a password must also give an authenticator-app code
    before they see any page; first-timers are sent to set one up."""

    OPEN_PREFIXES = ("/two-factor/", "/sign-out/", "/sign-in/", "/static/", "/set-password/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.PATHWAYS_REQUIRE_2FA
            and user.is_authenticated
            and not getattr(request, "auth_via_token", False)
            and not request.path.startswith(API_PREFIX)
            and not request.path.startswith(self.OPEN_PREFIXES)
            and not getattr(user, "is_person", False)  # the portal boundary keeps them out
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
        ):
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            target = "two-factor-verify" if has_device else "two-factor-setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class PersonAccountBoundaryMiddleware:
    """Staff accounts and person accounts never mix: a person's own account (or their
    supporter's) reaches only the person-facing paths; anything else sends them to
    their portal. (Staff reaching the portal are refused by the portal itself.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "is_person", False)
            and not request.path.startswith(settings.PATHWAYS_PERSON_PATHS)
        ):
            if request.path.startswith(API_PREFIX):
                return JsonResponse({"detail": "Not signed in."}, status=401)
            return redirect(settings.PATHWAYS_PORTAL_HOME)
        return self.get_response(request)


class RefuseNulBytesMiddleware:
    """A NUL character in a query string, a form or JSON body or any body sent to the
    API is refused with 400 before any view sees it: no one types one, PostgreSQL cannot
    store one (it answered 500), and SQLite would store what PostgreSQL refuses. The API
    answers in JSON like every other API error. Uploaded files are not read here (an
    XLSX holds NULs legitimately); the import reports a NUL in a cell at its line."""

    MESSAGE = "The request contains a NUL character, which no field may hold."

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": self.MESSAGE}, status=400)
            return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        query = unquote_to_bytes(request.META.get("QUERY_STRING", ""))
        if b"\x00" in query:
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            return b"\x00" in unquote_to_bytes(request.body)
        # The API reads every body as JSON whatever its declared type, so every body
        # sent to it is looked at (but a file upload's).
        if content_type.startswith("application/json") or (
            request.path.startswith(API_PREFIX) and not content_type.startswith("multipart/")
        ):
            return b"\x00" in request.body or b"\\u0000" in request.body
        return False
