"""Signing in: the sign-in page and the one-time link to set a password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from pathways.core.models import normalise_email
from pathways.core.two_factor import grant_enrolment_proof


def sign_in_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The address django-axes counts failed sign-ins against, as the account stores it:
    typing it in another case is the same account, and the same lockout."""
    return normalise_email(str((credentials or {}).get("username") or ""))


class SignInView(auth_views.LoginView):
    template_name = "core/sign_in.html"
    redirect_authenticated_user = True


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link from `pathways invite` or a reset: choose a password. Using
    the link proves control of the mailbox, so the next sign-in may set up two-step
    sign-in (``core.two_factor``)."""

    template_name = "core/set_password.html"
    post_reset_login = False
    success_url = "/sign-in/?password=set"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        grant_enrolment_proof(form.user)
        return response
