"""Signing in: the sign-in page, the one-time link to set a password (an invitation),
and "Forgotten your password?" (a reset link by email)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy

from pathways.core.accounts import invitation_tokens
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
    token_generator = invitation_tokens

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        grant_enrolment_proof(form.user)
        return response


# --- "Forgotten your password?" ---------------------------------------------------------------


def _over_limit(key: str) -> bool:
    """Count one more request under ``key`` this hour; whether it is over the limit."""
    limit = settings.PATHWAYS_PASSWORD_RESET_LIMIT
    cache.add(key, 0, timeout=60 * 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60 * 60)
        count = 1
    return count > limit


class ResetRequestForm(auth_forms.PasswordResetForm):
    """The address to send a reset link to. The answer is the same whether or not an
    account has it; past the hourly limit (per address asked for, and per network
    address asking) nothing is sent, and the answer is still the same."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, remote_addr: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.remote_addr = remote_addr

    def save(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        email = normalise_email(self.cleaned_data["email"])
        over_address = _over_limit(f"pathways:reset:ip:{self.remote_addr}")
        over_email = _over_limit(f"pathways:reset:email:{email}")
        if over_address or over_email:
            return
        super().save(*args, **kwargs)


class ForgottenPasswordView(auth_views.PasswordResetView):
    template_name = "core/forgotten_password.html"
    email_template_name = "core/emails/password_reset.txt"
    subject_template_name = "core/emails/password_reset_subject.txt"
    form_class = ResetRequestForm
    success_url = reverse_lazy("password-reset-sent")
    extra_email_context = {"service_name": settings.PATHWAYS_SERVICE_NAME}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["remote_addr"] = self.request.META.get("REMOTE_ADDR", "")
        return kwargs


class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "core/forgotten_password_sent.html"


class ResetPasswordView(auth_views.PasswordResetConfirmView):
    """The link from "Forgotten your password?": choose a new password. Unlike an
    invitation it does not let the next sign-in set up two-step sign-in: a reset proves
    the mailbox, and an authenticator app needs an administrator's say."""

    template_name = "core/set_password.html"
    post_reset_login = False
    success_url = "/sign-in/?password=set"
